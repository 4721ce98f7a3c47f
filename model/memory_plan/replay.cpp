// Element-level replay of an execution order over a placement (see replay.h).
#include "model/memory_plan/replay.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <stdexcept>
#include <unordered_map>

namespace memsched {

namespace {

struct ReadInfo {
    int64_t last_event = -1;
    int64_t first_iteration = std::numeric_limits<int64_t>::max();
    int64_t last_iteration = std::numeric_limits<int64_t>::min();
};

// Calls f(n, c, y, x) for every element of the box, x innermost.
void for_each(const Box4& b, const std::function<void(int64_t, int64_t, int64_t, int64_t)>& f) {
    for (int64_t n = b.n0; n < b.n1; ++n)
        for (int64_t c = b.c0; c < b.c1; ++c)
            for (int64_t y = b.y0; y < b.y1; ++y)
                for (int64_t x = b.x0; x < b.x1; ++x) f(n, c, y, x);
}

Box4 column(Box4 b, int64_t x) {
    b.x0 = x;
    b.x1 = x + 1;
    return b;
}

// Visits every event in execution order: on_read(input, n, c, y, x, event,
// iteration) and on_write(n, c, y, x, event, iteration).
template <typename OnRead, typename OnWrite>
void walk(const ExecutionOrder& order, OnRead on_read, OnWrite on_write) {
    int64_t event = 0;
    for (const ExecStep& s : order.steps) {
        auto reads = [&](int64_t col, bool sweep) {
            for (const StepRead& r : s.reads)
                for_each(sweep ? column(r.box, col) : r.box, [&](int64_t n, int64_t c, int64_t y, int64_t x) {
                    on_read(r.input, n, c, y, x, event++, s.iteration);
                });
        };
        auto writes = [&](int64_t col, bool sweep) {
            for_each(sweep ? column(s.write, col) : s.write, [&](int64_t n, int64_t c, int64_t y, int64_t x) {
                on_write(n, c, y, x, event++, s.iteration);
            });
        };
        if (!s.sweep_x) {
            if (s.reads_first) { reads(0, false); writes(0, false); }
            else { writes(0, false); reads(0, false); }
            continue;
        }
        for (int64_t x = s.write.x0; x < s.write.x1; ++x) {
            if (s.reads_first) { reads(x, true); writes(x, true); }
            else { writes(x, true); reads(x, true); }
        }
    }
}

} // namespace

ReplayResult replay_placement(const ExecutionOrder& order, const std::vector<TensorLayout>& input_layouts,
                              const TensorLayout& output_layout, const std::vector<int64_t>& input_bases,
                              int64_t output_base, ParallelModel model) {
    if (input_layouts.size() != order.inputs.size() || input_bases.size() != order.inputs.size())
        throw std::invalid_argument("replay: input_layouts/input_bases must have one entry per input (" +
                                    std::to_string(order.inputs.size()) + ")");
    // Arena address -> (input, address within the input's layout).
    std::unordered_map<int64_t, std::pair<int, int64_t>> owner;
    std::vector<std::vector<ReadInfo>> info(input_layouts.size());
    for (size_t i = 0; i < input_layouts.size(); ++i) {
        const TensorLayout& l = input_layouts[i];
        info[i].assign(static_cast<size_t>(l.span_elements()), {});
        for (int64_t n = 0; n < l.n; ++n)
            for (int64_t c = 0; c < l.c; ++c)
                for (int64_t y = 0; y < l.h; ++y)
                    for (int64_t x = 0; x < l.w; ++x) {
                        const int64_t a = l.address(n, c, y, x);
                        owner[input_bases[i] + a] = {int(i), a};
                    }
    }
    // Pass 1: last read event and reading iterations of every input element.
    walk(order,
         [&](int i, int64_t n, int64_t c, int64_t y, int64_t x, int64_t ev, int64_t it) {
             ReadInfo& r = info[i][input_layouts[i].address(n, c, y, x)];
             r.last_event = std::max(r.last_event, ev);
             r.first_iteration = std::min(r.first_iteration, it);
             r.last_iteration = std::max(r.last_iteration, it);
         },
         [](int64_t, int64_t, int64_t, int64_t, int64_t, int64_t) {});
    // Pass 2: every write against the element it lands on.
    ReplayResult res;
    walk(order, [](int, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t) {},
         [&](int64_t n, int64_t c, int64_t y, int64_t x, int64_t ev, int64_t it) {
             auto found = owner.find(output_base + output_layout.address(n, c, y, x));
             if (found == owner.end()) return;
             const ReadInfo& r = info[found->second.first][found->second.second];
             if (r.last_event < 0) return; // never read
             bool bad = r.last_event > ev;
             if (model == ParallelModel::Unordered)
                 bad = bad || r.first_iteration != it || r.last_iteration != it;
             if (!bad) return;
             if (res.violations++ == 0)
                 res.first = "output (" + std::to_string(n) + "," + std::to_string(c) + "," + std::to_string(y) +
                             "," + std::to_string(x) + ") written at event " + std::to_string(ev) +
                             " overwrites input " + std::to_string(found->second.first) + " address " +
                             std::to_string(found->second.second) + " read until event " +
                             std::to_string(r.last_event);
         });
    return res;
}

} // namespace memsched
