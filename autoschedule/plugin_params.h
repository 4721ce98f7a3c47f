// PluginParams: everything the MemSched autoscheduler is told about the
// machine. This is the ONLY place that reads the environment
// (MEMSCHED_PARAMS, MEMSCHED_CONFIG), sysfs and Halide's MachineParams, so a
// move to Halide 15+ (`autoscheduler.KEY=VALUE`) changes one function.
//
// Keys (sizes accept plain bytes or KiB/MiB/GiB suffixes):
//   l1=48KiB      L1 data cache capacity   (default: sysfs, else 32KiB)
//   l2=2MiB       L2 capacity               (default: sysfs, else 1MiB)
//   llc=16MiB     last-level cache capacity (default: machine_params LLC size)
//   line=64       cache line bytes          (default: sysfs, else 64)
//   dram_gbps=20  DRAM bandwidth, GB/s      (default 20)
//   gflops=50     peak compute per core, GFLOP/s (default 50)
//   vector=16     override the target's natural float32 vector width
//   verbose=1     print one log line per stage (default 1)
//   cache_fill_fraction=0.5  fraction of each cache level a planned tile may
//                 fill, in (0, 1] (default 0.5): an LRU cache with other data
//                 in it (the staged copy, the output, the stack) thrashes
//                 when a tile is planned to fill all of it
//   fusion=1      fuse consecutive convs across layers when the model
//                 predicts less traffic (default 1; 0: layer by layer;
//                 recompute / keep: fuse every group that fits, with that
//                 halo policy, whatever the prediction: for tests and
//                 measurements)
//   fusion_objective=time  what a fused group must lower to be chosen, and
//                 what the partition maximises: time (default: predicted
//                 roofline time, traffic breaking ties) or traffic (bytes
//                 into the level the bands are planned for, time breaking
//                 ties: the embedded view, where DRAM traffic is
//                 what costs energy)
//   fusion_min_time_gain=-0.001  with fusion_objective=time, the fraction of
//                 the layers' predicted time a group must save to be chosen,
//                 in (-1, 1); at or below 0.001 a group must also move fewer
//                 bytes (the default: "same time, less traffic" fuses)
#pragma once

#include "model/objective.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace memsched::autoschedule {

struct CacheLevelParams {
    std::string name;      // "L1", "L2", "LLC"
    int64_t capacity_bytes = 0;
    int64_t line_bytes = 64;
    double bandwidth_gbps = 0; // bytes/ns the level can deliver to the core
};

struct PluginParams {
    // Innermost (L1) to outermost (LLC); DRAM is implicit beyond the last.
    std::vector<CacheLevelParams> levels;
    double dram_bandwidth_gbps = 20;
    double peak_gflops_per_core = 50;
    int parallelism = 1;
    int vector_width_override = 0; // 0: use the target's natural width
    bool verbose = true;
    // Tiles are planned against capacity_bytes * cache_fill_fraction of
    // every level (see model_bridge.cpp); the printed traffic is unaffected.
    double cache_fill_fraction = 0.5;
    bool cross_layer_fusion = true; // fusion=0 schedules every conv on its own
    // fusion=recompute|keep: the halo policy forced on every group that fits.
    enum class ForcedHalo { None, Recompute, Keep } forced_halo = ForcedHalo::None;
    // fusion_tiles=2d: fused groups may also run in 2-D tiles of whole x
    // vectors (layer_fusion.h); bands (the default): full-width row bands
    // only. Opt-in by measurement: VGG-16 front @112 at LL 1 MiB moved 4%
    // more with its one 2-D group (bench/RESULTS.md, "2-D tiles and line
    // buffers"), and at 256 KiB no 2-D group pays.
    bool fused_2d_tiles = false;
    // fusion_objective=traffic: groups are chosen for the bytes they save,
    // even where the model predicts them slower.
    Objective fusion_objective = Objective::Time;
    // fusion_min_time_gain: see time_gain_accepts (fused_group_bridge.h).
    double fusion_min_time_gain = -0.001;
    // Where each value came from, for the log line ("l1=49152(sysfs) ...").
    std::string provenance;
};

// Raw inputs, separated from their sources so parsing is testable without
// touching the process environment or sysfs.
struct ParamSources {
    std::string memsched_params;          // value of MEMSCHED_PARAMS ("" if unset)
    std::string memsched_config_path;     // value of MEMSCHED_CONFIG ("" if unset)
    std::string config_text;              // contents of that file (read by the caller)
    std::map<int, int64_t> sysfs_cache_bytes; // level -> data/unified cache size
    int64_t sysfs_line_bytes = 0;
    int machine_parallelism = 1;
    int64_t machine_llc_bytes = 0;
};

// Parses "48KiB", "2MiB", "65536", "1GiB". Throws std::invalid_argument.
int64_t parse_byte_size(const std::string& text);

// Combines the sources. Throws std::invalid_argument naming the bad key or
// value ("MEMSCHED_PARAMS: unknown key 'l4' (known: l1, l2, ...)").
PluginParams resolve_plugin_params(const ParamSources& sources);

// Gathers ParamSources from the real environment, sysfs and machine params.
ParamSources read_param_sources(int machine_parallelism, int64_t machine_llc_bytes);

} // namespace memsched::autoschedule
