// Roots computing several convs (a residual block's add, computing its last
// conv and the downsample conv in its tiles) whose tiles no cache holds.
// Such a root cannot take the per-layer remedies (channel tiles with a
// staged input, the reduction split), which are planned for one conv, and
// its LRU figure sees only the dominant conv's input. Where the model says
// the convs moved apart cost less, each secondary conv is computed in the
// tiles of a root of its own: the last pure stage on its way to the root
// (its bias / batch norm), materialised once and read back pointwise by the
// root. Its staged input moves with it.
#pragma once

#include "autoschedule/fusion_plan.h"
#include "autoschedule/pipeline_analysis.h"
#include "autoschedule/plugin_params.h"

#include <Halide.h>

#include <string>
#include <vector>

namespace memsched::autoschedule {

struct RootSplit {
    FusionPlan plan;
    std::vector<std::string> log; // one line per multi-conv root considered
};

// `plan` from plan_fusion; roots that host a layer or whose tiles some
// cache holds are left as they are.
RootSplit split_unheld_roots(const PipelineInfo& info, FusionPlan plan,
                             const Halide::Target& target, const PluginParams& params);

} // namespace memsched::autoschedule
