// The analytical traffic model: Problem x MemoryHierarchy x Schedule ->
// TrafficReport, in named steps (grids -> footprints -> fills -> bytes),
// per buffer level and per tensor, reads and writes apart. O(tiles along
// each axis) per tensor; no trace, no Halide.
#pragma once

#include "model/eval_status.h"
#include "model/footprint.h"
#include "model/memory_hierarchy.h"
#include "model/problem.h"
#include "model/schedule.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace memsched {

struct TensorTraffic {
    int64_t read_bytes = 0;      // into this level from the next outer one
    int64_t write_bytes = 0;     // from this level back to the next outer one
    int64_t footprint_bytes = 0; // the largest tile box held (elements x element size)
    int64_t fills = 0;           // how many times the buffer is (re)filled

    int64_t traffic_bytes() const { return read_bytes + write_bytes; }
};

// Traffic across the boundary between buffer level i and level i+1.
struct LevelTraffic {
    std::string level_name;
    int64_t capacity_bytes = 0;
    std::array<TensorTraffic, kNumTensors> tensors{};

    int64_t read_bytes() const;
    int64_t write_bytes() const;
    int64_t traffic_bytes() const { return read_bytes() + write_bytes(); }
    int64_t footprint_bytes() const;
    bool fits() const { return footprint_bytes() <= capacity_bytes; }
};

struct TrafficReport {
    EvalStatus status; // illegal schedule, or the level that does not fit
    std::vector<LevelTraffic> levels; // one per buffer level, innermost first

    // Bytes crossing into/out of the outermost level (DRAM): the traffic objective.
    int64_t outer_traffic_bytes() const {
        return levels.empty() ? 0 : levels.back().traffic_bytes();
    }
    TrafficReport& operator+=(const TrafficReport& other); // sums per level/tensor
};

// The grid tensor t follows at buffer level i of schedule s.
LoopGrid tensor_grid(const Problem& p, const Schedule& s, int level, Tensor t);

// Buffer fills of tensor t at a level: the product over loops that do not
// index t of their tile counts on the grid (each distinct box is refilled once
// per iteration of those loops outside the kept position).
int64_t fill_multiplier(const Problem& p, const LoopGrid& g, Tensor t);

// The model. Reports numbers even when a level does not fit (status says which).
TrafficReport evaluate(const Problem& p, const MemoryHierarchy& h, const Schedule& s);

} // namespace memsched
