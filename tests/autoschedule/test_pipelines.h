// Small CNN pipelines built directly with Halide for the plugin tests, in
// the generators' layout (activations x, y, c, n; weights s, r, c, k; a conv
// is a zero init plus one update over RDom(s, r, c)). Each builder makes a
// fresh, unscheduled copy, so a test can build one to schedule and one as
// the reference.
#pragma once

#include "Halide.h"

#include <functional>
#include <string>
#include <vector>

namespace memsched::testing {

struct TestPipeline {
    Halide::Func output;
    std::vector<Halide::ImageParam> inputs;
    // Extents of every input buffer for an output of extents `out`.
    std::function<std::vector<std::vector<int>>(const std::vector<int>& out)> input_extents;
    std::vector<int> estimate; // output estimate extents (set on output)
};

using PipelineBuilder = std::function<TestPipeline()>;

struct NamedBuilder {
    std::string name;
    PipelineBuilder build;
};

// All pipelines of the in-process test, modeled and unmodeled.
std::vector<NamedBuilder> all_test_pipelines();

// One builder by name (for the golden test); throws if unknown.
PipelineBuilder test_pipeline(const std::string& name);

// Sets every input of `t` to seeded values in [-1, 1] for an output of
// extents `out`, realizes `p` on `target` and returns the output.
Halide::Buffer<float> run_test_pipeline(TestPipeline& t, Halide::Pipeline& p,
                                        const std::vector<int>& out, const Halide::Target& target);

// Elements of `got` off `want` by more than 1e-4 relative; the first three
// are described in `first`.
int count_mismatches(const Halide::Buffer<float>& want, const Halide::Buffer<float>& got,
                     std::string* first);

} // namespace memsched::testing
