// Weighted interval scheduling over candidate groups (see group_partition.h).
#include "autoschedule/group_partition.h"

#include <algorithm>

namespace memsched::autoschedule {

std::vector<size_t> choose_disjoint_groups(const std::vector<GroupInterval>& candidates) {
    std::vector<size_t> order;
    for (size_t i = 0; i < candidates.size(); i++)
        if (candidates[i].gain > 0 && candidates[i].first <= candidates[i].last) order.push_back(i);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return candidates[a].last < candidates[b].last;
    });
    // best[j]: the most gain from the first j intervals (by end); take[j]:
    // whether interval j-1 is in that set; prev[j]: how many intervals end
    // before interval j-1 starts.
    const size_t n = order.size();
    std::vector<double> best(n + 1, 0.0);
    std::vector<bool> take(n + 1, false);
    std::vector<size_t> prev(n + 1, 0);
    for (size_t j = 1; j <= n; j++) {
        const GroupInterval& c = candidates[order[j - 1]];
        size_t p = j - 1;
        while (p > 0 && candidates[order[p - 1]].last >= c.first) p--;
        prev[j] = p;
        const double with = best[p] + c.gain;
        take[j] = with > best[j - 1];
        best[j] = take[j] ? with : best[j - 1];
    }
    std::vector<size_t> chosen;
    for (size_t j = n; j > 0;) {
        if (take[j]) {
            chosen.push_back(order[j - 1]);
            j = prev[j];
        } else {
            j--;
        }
    }
    std::reverse(chosen.begin(), chosen.end());
    return chosen;
}

} // namespace memsched::autoschedule
