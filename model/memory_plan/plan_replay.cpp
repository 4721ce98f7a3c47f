// Element replay of every layer of a plan (see plan_replay.h).
#include "model/memory_plan/plan_replay.h"

#include "model/memory_plan/network_shapes.h"

#include <stdexcept>

namespace memsched {

namespace {

int tensor_of(const Network& net, const std::string& name) {
    if (name == "input") return 0;
    for (size_t i = 0; i < net.layers.size(); ++i)
        if (net.layers[i].name == name) return int(i) + 1;
    throw std::invalid_argument("layer input=" + name + " names no layer of " + net.name);
}

} // namespace

PlanReplayResult replay_plan(const Network& net, const NetworkPlan& plan) {
    if (plan.tensors.size() != net.layers.size() + 1 || plan.layers.size() != net.layers.size())
        throw std::invalid_argument("plan of " + plan.network + " does not match network " + net.name);
    PlanReplayResult res;
    for (size_t i = 0; i < net.layers.size(); ++i) {
        const ExecutionOrder order = manual_layer_order(net, i, plan.layers[i].sweep);
        std::vector<TensorLayout> layouts;
        std::vector<int64_t> bases;
        for (const std::string& name : net.layers[i].inputs) {
            const TensorPlacement& t = plan.tensors[size_t(tensor_of(net, name))];
            layouts.push_back(t.layout);
            bases.push_back(t.offset_elements);
        }
        const TensorPlacement& out = plan.tensors[i + 1];
        const ReplayResult r = replay_placement(order, layouts, out.layout, bases, out.offset_elements, plan.model);
        if (!r.ok() && res.violations == 0) res.first = "layer " + net.layers[i].name + ": " + r.first;
        res.violations += r.violations;
    }
    return res;
}

} // namespace memsched
