// FusedGroup: layers computed together, tile by tile over the output tiles of
// the group's last ("exit") layer, with every intermediate tensor kept in the
// on-chip buffer. A group is a small DAG in topological order: a chain of
// conv/pool layers, a single-entry single-exit block (residual add,
// inverted residual, inception concat), or several consecutive such blocks
// (each block's output kept on chip for the next block's layers and add).
// Only the group input is read from DRAM and only the exit output is
// written back.
//
// Semantics (shared by the model in fused_traffic.h and the oracle in
// fused_oracle.h):
// - Tiles: the exit output is cut into tile_h x tile_w spatial tiles (all
//   channels, batch folded into channels); tile rows outer, columns inner;
//   edge tiles are clipped.
// - Regions: for each tile, every tensor holds the bounding box of the
//   elements its consumers read for that tile (receptive fields grown
//   backwards through stride, dilation, kernel and padding; padding is never
//   held). A node computes its whole box, even elements a strided consumer
//   skips.
// - Halo policy Refetch: each tile recomputes every intermediate box and
//   refetches the whole input box (halos recomputed). A tensor is freed when
//   its last consumer in the group has run.
// - Halo policy Keep: along a tile row, the part of each box that the
//   previous tile (same row, one column left) held is kept; only the rest is
//   fetched (group input) or computed (intermediates). At the start of a row
//   nothing is kept. When one tile spans the whole exit width (full-width
//   row bands), the halo slides down instead: the part of each box that the
//   band above held is kept (a line buffer). Every box stays held for the
//   whole tile.
// - Weights Resident: every layer's weights are read once and held
//   throughout. Streamed: each layer's weights are read once per tile, and
//   one filter (one output channel's slice) is held while the layer runs.
//   FusedMapping::layer_weights, when set, gives the policy per node instead
//   (small layers resident, big ones streamed): the resident ones are held
//   throughout, and a streamed one holds one filter while it runs.
// - Exit channel tiles (FusedMapping::exit_channel_tile = k > 0, the exit a
//   layer; for a concat exit see "Concat in place"): the exit computes and writes k output channels of its box at a
//   time, so only k channels of its box are held. DRAM bytes, tiles and MACs
//   are unchanged (each channel row is its own DRAM range either way).
// - Streamed input (FusedMapping::stream_input, halo Refetch, every reader
//   of the group input a layer, none split): the readers accumulate their
//   boxes over the input channels one at a time, so one channel of the input
//   box is held. All readers run in node 0's step (node 0 always reads the
//   input): their boxes are held from then until their consumers have run.
//   (Halide: the readers computed at the tile with their reductions over
//   input channels fused into one loop, input channel outermost.) DRAM
//   bytes are unchanged.
// - Concat in place (FusedMapping::concat_in_place): a node read only by a
//   concat writes into its channel slice of the concat's box, so it holds
//   no box of its own; the concat's box is held from the step of its first
//   such input on. With exit channel tiles on a concat exit (every input a
//   layer read only by the exit), each input writes its slice k channels at
//   a time straight to DRAM: it holds k channels of its box while it runs,
//   and the concat holds nothing. DRAM bytes are unchanged. (Halide: the
//   concat as one Func whose update stages compute the branches' last
//   layers over their channel slices, computed at the tile; for the exit,
//   each update split by k channels with the branch computed per block.)
// - Channel-split runs (FusedMapping::split_channels = kc > 0, halo Refetch):
//   a node marked in FusedMapping::split is computed kc output channels at a
//   time inside the step of its "reducer", the first unmarked node down its
//   chain of single consumers. A run is p -> c1 .. cm -> r (m >= 0): p any
//   layer, c1..cm channel-wise layers (depthwise conv or pool: groups = in =
//   out channels), all of them marked and each read only by the next, r an
//   unmarked layer. For each
//   block of kc channels, p computes them from its whole input box, c1..cm
//   follow channel by channel, and r accumulates them into all its outputs
//   (Halide: split r's reduction over channels and compute_at p..cm at the
//   outer channel loop). So a marked node holds kc channels of its box, and
//   p's input box stays held until r has run. The whole run is live during
//   r's step, with the held weights of every streamed member (a filter each;
//   r holds its filter's kc-channel slice). The exit may be the reducer of
//   a run with exit channel tiles only when it is channel-wise and
//   split_channels equals exit_channel_tile: each block of the run then
//   feeds the same block of the exit, which writes it. DRAM bytes, tiles
//   and MACs are unchanged: the blocks partition the channels.
// - Residual adds in place (FusedMapping::residual_channels = kr > 0, halo
//   Refetch): an add a = L + t, where L is a layer read only by a whose
//   inputs are not split (no run's reducer) and t is the add's other input
//   (the identity or a projection, or the group input), made in an earlier
//   step than L's and read by nothing else in L's step or later (so not by
//   L itself: its next channel block would read overwritten channels), and
//   the add not written into a concat's slice, is applied in place: L computes kr output channels at a time, and each block is
//   added into t's box at once (the add runs in L's step), so L holds kr
//   channels of its box and the add holds no box of its own: its output
//   lives in t's box, which stays held until the add's readers have run (for
//   an exit add, until it is written). Every such add of the group is applied
//   (residual_adds_in_place lists them). When both inputs qualify as L, L is
//   the one made in the later step. The add's box lies within t's (it reads t
//   at its own coordinates), so the box of the first tensor of a chain of
//   in-place adds holds them all. DRAM bytes, tiles and MACs are unchanged.
//   This is what lets several residual blocks share one tile: the block
//   input is held once for both the next block's first layer and its add,
//   and the block outputs never leave the buffer. Loop nest per tile:
//     realize t's box (fetched, or computed by its producer)
//     ... the layers between t and L, each at the tile ...
//     for each block co of kr channels of L:      // L's output-channel loop
//       L[co, box] = conv(L's input box)           // kr-channel scratch
//       t[co, box] = act(t[co, box] + L[co, box])  // the add, in t's storage
//   (Halide: split the add's channel dimension by kr and compute L at the
//   outer part, with the add's storage folded onto t's buffer: an in-place
//   update of t, as the arena of model/memory_plan overlaps a layer's input
//   and output; the plugin does not apply it yet.)
// - DRAM bytes are whole lines: each maximal contiguous address range of a
//   fetch or write is rounded out to lines (line-aligned tensor bases, dense
//   NCHW layout). A run of columns in a row is one range; adjacent full
//   rows of a channel join into one range, and when a fetch or write covers
//   whole planes, all its channels are one range. Each weight tensor is one
//   contiguous range.
#pragma once

#include "model/eval_status.h"
#include "model/layer_shape.h"
#include "model/schedule.h"

#include <cstdint>
#include <string>
#include <vector>

namespace memsched {

// A dense activation tensor: channels (batch folded in), rows, columns.
struct FusedDims {
    int64_t channels = 1;
    int64_t height = 1;
    int64_t width = 1;
    int64_t elements() const { return channels * height * width; }
    bool operator==(const FusedDims& o) const {
        return channels == o.channels && height == o.height && width == o.width;
    }
};

enum class FusedOp { Layer, Add, Concat };

struct FusedNode {
    std::string name;
    FusedOp op = FusedOp::Layer;
    LayerShape shape;        // Layer only: conv, pools, fc (1x1 image)
    std::vector<int> inputs; // -1 = the group input, else an earlier node's index
};

struct FusedGroup {
    FusedDims input;              // the group input tensor in DRAM
    std::vector<FusedNode> nodes; // topological order; the last one is the exit
    int64_t element_bytes = 4;

    // Output dims of node i (a Layer reads rows/columns beyond its input
    // tensor's extent as padding, so a shape with ceil-mode pad_end fits).
    FusedDims output_of(int node) const;
    FusedDims dims_of(int tensor) const; // tensor -1 = input, else node output
    // Multiply-accumulates per output element of node i (0 for add/concat).
    int64_t macs_per_element(int node) const;
    int64_t weight_elements(int node) const;
    int64_t filter_elements(int node) const; // one output channel's weights

    // Channels, extents, inputs in order, every non-exit node consumed, and
    // no output row/column whose window reads only padding. The reason names
    // the node and field, e.g. "node conv2: in_channels=3 but input has 8".
    EvalStatus validate() const;
};

// A chain: node i reads node i-1 (node 0 the group input, shaped as the
// first layer's unpadded input).
FusedGroup make_chain(const std::vector<LayerShape>& layers);

enum class WeightPolicy { Resident, Streamed };
const char* to_string(WeightPolicy policy); // "resident", "streamed"

struct FusedMapping {
    int64_t tile_h = 1; // exit output rows per tile
    int64_t tile_w = 1; // exit output columns per tile
    HaloPolicy halo = HaloPolicy::Refetch;
    WeightPolicy weights = WeightPolicy::Resident;
    // Per node (same order as FusedGroup::nodes): overrides `weights` when
    // non-empty. Entries of weightless nodes (add, concat, pools) do not matter.
    std::vector<WeightPolicy> layer_weights;
    // Exit output channels held and written at a time; 0 = all of them.
    int64_t exit_channel_tile = 0;
    // The group input is streamed one channel at a time through node 0.
    bool stream_input = false;
    // Channel-split runs: per node (empty = none), true for a node computed
    // split_channels channels at a time inside its reducer's step.
    int64_t split_channels = 0;
    std::vector<bool> split;
    // Concat inputs write into their slice of the concat's box.
    bool concat_in_place = false;
    // Residual adds applied in place over their other input, the layer
    // before each computed this many output channels at a time; 0 = none.
    int64_t residual_channels = 0;

    WeightPolicy weights_of(int node) const {
        return layer_weights.empty() ? weights : layer_weights[static_cast<size_t>(node)];
    }
    bool is_split(int node) const {
        return !split.empty() && split[static_cast<size_t>(node)];
    }
};

// "tile 8x14 keep resident"; with per-node weights "tile 8x14 keep mixed(RSR)"
// (R resident, S streamed, one letter per node); " k16" for exit channel
// tiles of 16, " stream-in" for a streamed input and " split16(3)" for three
// nodes computed in 16-channel blocks, " concat-in-place" and " residual16"
// for adds in place with 16-channel blocks are appended.
std::string describe(const FusedMapping& m);

// The group is legal and the tile lies within the exit layer's output; the
// reason names the field, e.g. "tile_h=0". Shared by the model and the oracle.
EvalStatus validate(const FusedGroup& g, const FusedMapping& m);

// Indexes of the nodes that read node i's output, in order.
std::vector<int> group_consumers(const FusedGroup& g, int node);

// The concat node whose box (or, for a channel-tiled concat exit, whose
// DRAM slice) node i writes into instead of holding a box of its own; -1
// when none (see "Concat in place" above). Needs validate(g, m) to hold.
int concat_slice_of(const FusedGroup& g, const FusedMapping& m, int node);

// Whether node i is channel-wise: a layer whose output channel j reads only
// input channel j (depthwise conv, pools).
bool is_channel_wise(const FusedGroup& g, int node);

// The node whose step runs node i: i itself, or for a split node the first
// unsplit node down its chain of single consumers (the run's reducer).
// Needs validate(g, m) to hold.
int split_reducer(const FusedGroup& g, const FusedMapping& m, int node);

// The step node i runs in: its split run's reducer, node 0 for a reader of
// a streamed input, for an add in place its accumulating layer's step, else
// itself. Needs validate(g, m) to hold.
int run_step(const FusedGroup& g, const FusedMapping& m, int node);

// For an add node applied in place (see "Residual adds in place"): the layer
// L that accumulates into it; -2 when the node is no such add. The add's
// other input is residual_target(). Needs validate(g, m) to hold, except
// the checks on residual_channels itself.
int residual_accumulator(const FusedGroup& g, const FusedMapping& m, int node);
// The tensor (-1 = group input, else a node) whose box an in-place add
// writes into; -2 when the node is no such add.
int residual_target(const FusedGroup& g, const FusedMapping& m, int node);
// The tensor whose box holds tensor t's values: t itself, or for an add in
// place, the storage of its target (chains of in-place adds share one box).
int tensor_storage(const FusedGroup& g, const FusedMapping& m, int tensor);
// The adds that residual_channels > 0 applies in place, in node order.
std::vector<int> residual_adds_in_place(const FusedGroup& g, const FusedMapping& m);

struct FusedReport {
    EvalStatus status;               // illegal mapping, or footprint over capacity
    int64_t input_read_bytes = 0;    // group input from DRAM, line-rounded
    int64_t weight_read_bytes = 0;   // all layers' weights from DRAM
    int64_t output_write_bytes = 0;  // exit output to DRAM
    int64_t footprint_bytes = 0;     // peak buffer occupancy (elements x size)
    int64_t macs = 0;                // executed, recomputed halos included
    int64_t tiles = 0;

    int64_t traffic_bytes() const {
        return input_read_bytes + weight_read_bytes + output_write_bytes;
    }
};

// Half-open interval [lo, hi) of rows or columns; empty when hi <= lo.
struct Interval {
    int64_t lo = 0;
    int64_t hi = 0;
    int64_t size() const { return hi > lo ? hi - lo : 0; }
    bool empty() const { return hi <= lo; }
};

// The bounding interval of input coordinates in [0, extent) read by outputs
// `out` of a window (kernel taps, stride, dilation, pad); empty if none.
Interval window_input_interval(Interval out, int64_t kernel, int64_t stride, int64_t dilation,
                               int64_t pad, int64_t extent);

} // namespace memsched
