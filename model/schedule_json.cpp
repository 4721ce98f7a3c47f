// JSON (de)serialization of Schedule and TrafficReport (see schedule_json.h).
#include "model/schedule_json.h"

#include <stdexcept>

namespace memsched {

using nlohmann::json;

json schedule_to_json(const Schedule& s) {
    json levels = json::array();
    for (const LevelMapping& m : s.levels) {
        json tile = json::object(), kept = json::object(), order = json::array();
        for (int l = 0; l < kNumLoops; ++l) tile[to_string(Loop(l))] = m.tile[l];
        for (Loop l : m.order) order.push_back(to_string(l));
        for (int t = 0; t < kNumTensors; ++t) kept[to_string(Tensor(t))] = m.kept_at[t];
        levels.push_back({{"tile", tile}, {"order", order}, {"kept_at", kept},
                          {"halo", to_string(m.halo)}});
    }
    return {{"levels", levels}};
}

namespace {

[[noreturn]] void fail(const std::string& field, const std::string& why) {
    throw std::invalid_argument("schedule " + field + ": " + why);
}

const json& member(const json& j, const char* key, const std::string& at) {
    if (!j.is_object()) fail(at, "must be an object");
    auto it = j.find(key);
    if (it == j.end()) fail(at + (at.empty() ? "" : ".") + key, "is missing");
    return *it;
}

int64_t integer(const json& j, const std::string& field) {
    if (!j.is_number_integer()) fail(field, "must be an integer, got " + j.dump());
    return j.get<int64_t>();
}

} // namespace

Schedule schedule_from_json(const json& j) {
    Schedule s;
    const json& levels = member(j, "levels", "");
    if (!levels.is_array() || levels.empty()) fail("levels", "must be a non-empty array");
    for (size_t i = 0; i < levels.size(); ++i) {
        const std::string at = "levels[" + std::to_string(i) + "]";
        const json& lj = levels[i];
        LevelMapping m;
        const json& tile = member(lj, "tile", at);
        for (int l = 0; l < kNumLoops; ++l)
            m.tile[l] = integer(member(tile, to_string(Loop(l)), at + ".tile"),
                                at + ".tile." + to_string(Loop(l)));
        const json& order = member(lj, "order", at);
        if (!order.is_array() || order.size() != kNumLoops)
            fail(at + ".order", "must list the 7 loops n,k,c,y,x,r,s");
        for (int k = 0; k < kNumLoops; ++k) {
            const std::string f = at + ".order[" + std::to_string(k) + "]";
            if (!order[k].is_string() || !loop_from_string(order[k].get<std::string>(), &m.order[k]))
                fail(f, "must be one of n,k,c,y,x,r,s, got " + order[k].dump());
        }
        const json& kept = member(lj, "kept_at", at);
        for (int t = 0; t < kNumTensors; ++t)
            m.kept_at[t] = static_cast<int>(integer(member(kept, to_string(Tensor(t)), at + ".kept_at"),
                                                    at + ".kept_at." + to_string(Tensor(t))));
        const json& halo = member(lj, "halo", at);
        if (halo == "keep") m.halo = HaloPolicy::Keep;
        else if (halo == "refetch") m.halo = HaloPolicy::Refetch;
        else fail(at + ".halo", "must be \"keep\" or \"refetch\", got " + halo.dump());
        s.levels.push_back(m);
    }
    return s;
}

json report_to_json(const TrafficReport& r) {
    json levels = json::array();
    for (const LevelTraffic& lt : r.levels) {
        json tensors = json::object();
        for (int t = 0; t < kNumTensors; ++t) {
            const TensorTraffic& tt = lt.tensors[t];
            tensors[to_string(Tensor(t))] = {{"read_bytes", tt.read_bytes},
                                             {"write_bytes", tt.write_bytes},
                                             {"footprint_bytes", tt.footprint_bytes},
                                             {"fills", tt.fills}};
        }
        levels.push_back({{"level", lt.level_name},
                          {"capacity_bytes", lt.capacity_bytes},
                          {"read_bytes", lt.read_bytes()},
                          {"write_bytes", lt.write_bytes()},
                          {"traffic_bytes", lt.traffic_bytes()},
                          {"footprint_bytes", lt.footprint_bytes()},
                          {"fits", lt.fits()},
                          {"tensors", tensors}});
    }
    return {{"status", r.status.ok ? "ok" : r.status.reason}, {"levels", levels}};
}

} // namespace memsched
