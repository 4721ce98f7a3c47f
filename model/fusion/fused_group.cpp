// FusedGroup derived figures and validation (see fused_group.h).
#include "model/fusion/fused_group.h"

#include <algorithm>
#include <cstdio>

namespace memsched {

namespace {

int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
int64_t ceil_div(int64_t a, int64_t b) { return -floor_div(-a, b); }

std::string node_name(const FusedGroup& g, int i) {
    return g.nodes[i].name.empty() ? "#" + std::to_string(i) : g.nodes[i].name;
}

// Whether every output coordinate 0..out-1 reads at least one real input.
bool every_window_reads_input(int64_t out, int64_t kernel, int64_t stride, int64_t dilation,
                              int64_t pad, int64_t extent) {
    for (int64_t o = 0; o < out; ++o)
        if (window_input_interval({o, o + 1}, kernel, stride, dilation, pad, extent).empty())
            return false;
    return true;
}

} // namespace

Interval window_input_interval(Interval out, int64_t kernel, int64_t stride, int64_t dilation,
                               int64_t pad, int64_t extent) {
    Interval r{0, 0};
    if (out.empty()) return r;
    bool any = false;
    int64_t lo = 0, hi = 0;
    // Per tap, the outputs whose coordinate y*stride + tap lands in [0, extent).
    for (int64_t k = 0; k < kernel; ++k) {
        const int64_t tap = k * dilation - pad;
        const int64_t first = std::max(out.lo, ceil_div(-tap, stride));
        const int64_t last = std::min(out.hi - 1, floor_div(extent - 1 - tap, stride));
        if (first > last) continue;
        const int64_t a = first * stride + tap, b = last * stride + tap + 1;
        lo = any ? std::min(lo, a) : a;
        hi = any ? std::max(hi, b) : b;
        any = true;
    }
    if (any) r = {lo, hi};
    return r;
}

FusedDims FusedGroup::dims_of(int tensor) const {
    return tensor < 0 ? input : output_of(tensor);
}

FusedDims FusedGroup::output_of(int i) const {
    const FusedNode& n = nodes[i];
    if (n.op == FusedOp::Layer)
        return {n.shape.batch * n.shape.out_channels, n.shape.out_height(), n.shape.out_width()};
    FusedDims d = dims_of(n.inputs.at(0));
    if (n.op == FusedOp::Concat) {
        d.channels = 0;
        for (int in : n.inputs) d.channels += dims_of(in).channels;
    }
    return d;
}

int64_t FusedGroup::macs_per_element(int i) const {
    const LayerShape& s = nodes[i].shape;
    return nodes[i].op == FusedOp::Layer ? s.in_channels_per_group() * s.kernel_h * s.kernel_w
                                         : 0;
}

int64_t FusedGroup::weight_elements(int i) const {
    return nodes[i].op == FusedOp::Layer ? nodes[i].shape.weight_elements() : 0;
}

int64_t FusedGroup::filter_elements(int i) const {
    const LayerShape& s = nodes[i].shape;
    if (nodes[i].op != FusedOp::Layer || !s.has_weights()) return 0;
    return s.in_channels_per_group() * s.kernel_h * s.kernel_w;
}

EvalStatus FusedGroup::validate() const {
    if (nodes.empty()) return EvalStatus::failure("group has no nodes");
    if (element_bytes <= 0)
        return EvalStatus::failure("element_bytes=" + std::to_string(element_bytes));
    if (input.channels <= 0 || input.height <= 0 || input.width <= 0)
        return EvalStatus::failure("input dims must be positive");
    std::vector<int> consumers(nodes.size(), 0);
    for (int i = 0; i < static_cast<int>(nodes.size()); ++i) {
        const FusedNode& n = nodes[i];
        const std::string who = "node " + node_name(*this, i) + ": ";
        if (n.inputs.empty()) return EvalStatus::failure(who + "inputs is empty");
        for (int in : n.inputs) {
            if (in < -1 || in >= i)
                return EvalStatus::failure(who + "input=" + std::to_string(in) +
                                           " is not an earlier node");
            if (in >= 0) ++consumers[in];
        }
        const FusedDims first = dims_of(n.inputs[0]);
        if (n.op == FusedOp::Layer) {
            const LayerShape& s = n.shape;
            if (auto bad = s.validate()) return EvalStatus::failure(who + *bad);
            if (n.inputs.size() != 1)
                return EvalStatus::failure(who + "a layer has exactly one input");
            if (s.element_bytes != element_bytes)
                return EvalStatus::failure(who + "element_bytes=" +
                                           std::to_string(s.element_bytes));
            if (s.batch * s.in_channels != first.channels)
                return EvalStatus::failure(who + "in_channels=" + std::to_string(s.in_channels) +
                                           " but input has " + std::to_string(first.channels));
            if (s.in_height < first.height || s.in_width < first.width)
                return EvalStatus::failure(who + "in_height=" + std::to_string(s.in_height) +
                                           " is smaller than input " +
                                           std::to_string(first.height));
            if (!every_window_reads_input(s.out_height(), s.kernel_h, s.stride, s.dilation, s.pad,
                                          first.height) ||
                !every_window_reads_input(s.out_width(), s.kernel_w, s.stride, s.dilation, s.pad,
                                          first.width))
                return EvalStatus::failure(who + "pad=" + std::to_string(s.pad) +
                                           " leaves an output that reads only padding");
        } else {
            for (int in : n.inputs) {
                const FusedDims d = dims_of(in);
                if (d.height != first.height || d.width != first.width ||
                    (n.op == FusedOp::Add && d.channels != first.channels))
                    return EvalStatus::failure(who + "inputs differ in shape");
            }
        }
    }
    for (int i = 0; i + 1 < static_cast<int>(nodes.size()); ++i)
        if (consumers[i] == 0)
            return EvalStatus::failure("node " + node_name(*this, i) +
                                       ": output leaves the group (not single-exit)");
    return EvalStatus::success();
}

FusedGroup make_chain(const std::vector<LayerShape>& layers) {
    FusedGroup g;
    if (layers.empty()) return g;
    const LayerShape& s = layers.front();
    g.input = {s.batch * s.in_channels, s.in_height, s.in_width};
    g.element_bytes = s.element_bytes;
    for (size_t i = 0; i < layers.size(); ++i) {
        FusedNode n;
        n.name = "l" + std::to_string(i);
        n.shape = layers[i];
        n.inputs = {static_cast<int>(i) - 1};
        g.nodes.push_back(n);
    }
    return g;
}

const char* to_string(WeightPolicy p) {
    return p == WeightPolicy::Resident ? "resident" : "streamed";
}

std::string describe(const FusedMapping& m) {
    std::string w = to_string(m.weights);
    if (!m.layer_weights.empty()) {
        w = "mixed(";
        for (WeightPolicy p : m.layer_weights) w += p == WeightPolicy::Resident ? 'R' : 'S';
        w += ")";
    }
    std::string d = "tile " + std::to_string(m.tile_h) + "x" + std::to_string(m.tile_w) + " " +
                    to_string(m.halo) + " " + w;
    if (m.exit_channel_tile > 0) d += " k" + std::to_string(m.exit_channel_tile);
    if (m.stream_input) d += " stream-in";
    if (m.concat_in_place) d += " concat-in-place";
    if (m.residual_channels > 0) d += " residual" + std::to_string(m.residual_channels);
    if (!m.split.empty())
        d += " split" + std::to_string(m.split_channels) + "(" +
             std::to_string(std::count(m.split.begin(), m.split.end(), true)) + ")";
    return d;
}

bool is_channel_wise(const FusedGroup& g, int node) {
    const FusedNode& n = g.nodes[static_cast<size_t>(node)];
    const LayerShape& s = n.shape;
    return n.op == FusedOp::Layer && s.groups == s.in_channels && s.out_channels == s.in_channels;
}

std::vector<int> group_consumers(const FusedGroup& g, int node) {
    std::vector<int> out;
    for (int j = node + 1; j < static_cast<int>(g.nodes.size()); ++j)
        for (int in : g.nodes[static_cast<size_t>(j)].inputs)
            if (in == node) out.push_back(j);
    return out;
}

namespace {

// The split-run rules of fused_group.h for a split node i (see validate).
EvalStatus validate_split_node(const FusedGroup& g, const FusedMapping& m, int i) {
    const std::string who = "split node " + std::to_string(i) + ": ";
    const FusedNode& n = g.nodes[static_cast<size_t>(i)];
    if (n.op != FusedOp::Layer) return EvalStatus::failure(who + "not a layer");
    const std::vector<int> readers = group_consumers(g, i);
    if (readers.size() != 1 || g.nodes[static_cast<size_t>(readers[0])].op != FusedOp::Layer)
        return EvalStatus::failure(who + "needs exactly one consumer, a layer");
    const int in = n.inputs[0];
    if (in >= 0 && m.is_split(in) && !is_channel_wise(g, i))
        return EvalStatus::failure(who + "follows a split node but is not channel-wise");
    if (in == -1 && m.stream_input)
        return EvalStatus::failure(who + "reads the streamed input, so it cannot be split");
    return EvalStatus::success();
}

} // namespace

int concat_slice_of(const FusedGroup& g, const FusedMapping& m, int node) {
    const std::vector<int> readers = group_consumers(g, node);
    if (readers.size() != 1 || g.nodes[static_cast<size_t>(readers[0])].op != FusedOp::Concat)
        return -1;
    const int c = readers[0];
    const bool tiled_exit = c + 1 == static_cast<int>(g.nodes.size()) && m.exit_channel_tile > 0;
    return m.concat_in_place || tiled_exit ? c : -1;
}

int split_reducer(const FusedGroup& g, const FusedMapping& m, int node) {
    while (m.is_split(node)) node = group_consumers(g, node).front();
    return node;
}

namespace {

// run_step without in-place adds: every step an add in place can move to is
// a layer's, so these steps decide which adds qualify (no recursion).
int base_run_step(const FusedGroup& g, const FusedMapping& m, int node) {
    const std::vector<int>& in = g.nodes[static_cast<size_t>(node)].inputs;
    if (m.stream_input && std::find(in.begin(), in.end(), -1) != in.end()) return 0;
    return split_reducer(g, m, node);
}

bool reads_group_input(const FusedNode& n) {
    return std::find(n.inputs.begin(), n.inputs.end(), -1) != n.inputs.end();
}

// Layer l can accumulate its output into add a, channel block by block: read
// only by a, not split, not the reducer of a split run, not a reader of a
// streamed input (those run in node 0's step).
bool can_accumulate(const FusedGroup& g, const FusedMapping& m, int l, int a) {
    if (l < 0 || g.nodes[static_cast<size_t>(l)].op != FusedOp::Layer || m.is_split(l)) return false;
    const FusedNode& n = g.nodes[static_cast<size_t>(l)];
    if (group_consumers(g, l) != std::vector<int>{a}) return false;
    if (n.inputs[0] >= 0 && m.is_split(n.inputs[0])) return false;
    return !(m.stream_input && reads_group_input(n));
}

// Add a may write into tensor t's box while l runs: t is made in an earlier
// step than l's, and every other reader of t has run by then. Base steps are
// never earlier than the final ones, so this is sufficient for the final
// steps too.
bool can_overwrite(const FusedGroup& g, const FusedMapping& m, int t, int a, int l) {
    if (t == l) return false;
    const int step = base_run_step(g, m, l);
    if (t == -1 ? m.stream_input : base_run_step(g, m, t) >= step) return false;
    for (int j : group_consumers(g, t))
        if (j != a && base_run_step(g, m, j) >= step) return false;
    return true;
}

} // namespace

int residual_accumulator(const FusedGroup& g, const FusedMapping& m, int node) {
    if (m.residual_channels <= 0 || node < 0) return -2;
    const FusedNode& n = g.nodes[static_cast<size_t>(node)];
    if (n.op != FusedOp::Add || n.inputs.size() != 2 || concat_slice_of(g, m, node) >= 0) return -2;
    int best = -2;
    for (int k = 0; k < 2; ++k) {
        const int l = n.inputs[static_cast<size_t>(k)], t = n.inputs[static_cast<size_t>(1 - k)];
        if (!can_accumulate(g, m, l, node) || !can_overwrite(g, m, t, node, l)) continue;
        if (best == -2 || base_run_step(g, m, l) > base_run_step(g, m, best)) best = l;
    }
    return best;
}

int residual_target(const FusedGroup& g, const FusedMapping& m, int node) {
    const int l = residual_accumulator(g, m, node);
    if (l == -2) return -2;
    const std::vector<int>& in = g.nodes[static_cast<size_t>(node)].inputs;
    return in[0] == l ? in[1] : in[0];
}

int tensor_storage(const FusedGroup& g, const FusedMapping& m, int tensor) {
    for (int t = residual_target(g, m, tensor); t != -2; t = residual_target(g, m, tensor))
        tensor = t;
    return tensor;
}

std::vector<int> residual_adds_in_place(const FusedGroup& g, const FusedMapping& m) {
    std::vector<int> out;
    for (int i = 0; i < static_cast<int>(g.nodes.size()); ++i)
        if (residual_accumulator(g, m, i) >= 0) out.push_back(i);
    return out;
}

int run_step(const FusedGroup& g, const FusedMapping& m, int node) {
    const int l = residual_accumulator(g, m, node);
    return l >= 0 ? base_run_step(g, m, l) : base_run_step(g, m, node);
}

EvalStatus validate(const FusedGroup& g, const FusedMapping& m) {
    if (EvalStatus st = g.validate(); !st) return st;
    const FusedDims exit = g.output_of(static_cast<int>(g.nodes.size()) - 1);
    if (m.tile_h < 1 || m.tile_h > exit.height)
        return EvalStatus::failure("tile_h=" + std::to_string(m.tile_h));
    if (m.tile_w < 1 || m.tile_w > exit.width)
        return EvalStatus::failure("tile_w=" + std::to_string(m.tile_w));
    const int last = static_cast<int>(g.nodes.size()) - 1;
    if (m.exit_channel_tile < 0 || m.exit_channel_tile > exit.channels)
        return EvalStatus::failure("exit_channel_tile=" + std::to_string(m.exit_channel_tile) +
                                   " with " + std::to_string(exit.channels) + " exit channels");
    if (m.exit_channel_tile > 0 && g.nodes[last].op == FusedOp::Add)
        return EvalStatus::failure("exit_channel_tile=" + std::to_string(m.exit_channel_tile) +
                                   " needs a layer or concat exit, not an add");
    if (m.exit_channel_tile > 0 && g.nodes[last].op == FusedOp::Concat)
        for (int in : g.nodes[last].inputs)
            if (in < 0 || g.nodes[in].op != FusedOp::Layer || group_consumers(g, in).size() != 1)
                return EvalStatus::failure(
                    "exit_channel_tile=" + std::to_string(m.exit_channel_tile) +
                    " on a concat exit needs every input a layer read only by it");
    if (m.stream_input) {
        if (m.halo != HaloPolicy::Refetch)
            return EvalStatus::failure("stream_input needs halo refetch");
        for (int i = 0; i <= last; ++i)
            for (int in : g.nodes[i].inputs)
                if (in == -1 && g.nodes[i].op != FusedOp::Layer)
                    return EvalStatus::failure(
                        "stream_input needs every reader of the group input a layer");
    }
    if (!m.split.empty()) {
        if (m.split.size() != g.nodes.size())
            return EvalStatus::failure("split has " + std::to_string(m.split.size()) +
                                       " entries for " + std::to_string(g.nodes.size()) +
                                       " nodes");
        if (m.split_channels < 1)
            return EvalStatus::failure("split_channels=" + std::to_string(m.split_channels));
        if (m.halo != HaloPolicy::Refetch)
            return EvalStatus::failure("split needs halo refetch");
        for (int i = 0; i <= last; ++i)
            if (m.is_split(i))
                if (EvalStatus st = validate_split_node(g, m, i); !st) return st;
        // The exit computes exit_channel_tile channels at a time, which a
        // reducer accumulating every output over the blocks cannot; a
        // channel-wise exit can, its blocks being the run's blocks.
        if (m.exit_channel_tile > 0 && g.nodes[last].inputs[0] >= 0 &&
            m.is_split(g.nodes[last].inputs[0]) &&
            !(is_channel_wise(g, last) && m.split_channels == m.exit_channel_tile))
            return EvalStatus::failure("exit_channel_tile with a split run into the exit");
    }
    if (m.residual_channels < 0)
        return EvalStatus::failure("residual_channels=" + std::to_string(m.residual_channels));
    if (m.residual_channels > 0) {
        if (m.halo != HaloPolicy::Refetch)
            return EvalStatus::failure("residual_channels needs halo refetch");
        if (residual_adds_in_place(g, m).empty())
            return EvalStatus::failure("residual_channels=" +
                                       std::to_string(m.residual_channels) +
                                       " but no add can be applied in place");
    }
    if (!m.layer_weights.empty() && m.layer_weights.size() != g.nodes.size())
        return EvalStatus::failure("layer_weights has " + std::to_string(m.layer_weights.size()) +
                                   " entries for " + std::to_string(g.nodes.size()) + " nodes");
    return EvalStatus::success();
}

} // namespace memsched
