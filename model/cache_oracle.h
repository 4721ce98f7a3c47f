// Oracle (b): the scheduled loop nest run element by element against a
// hierarchy of set-associative LRU write-back, write-allocate caches (one
// per buffer level, capacity and line size from the MemoryHierarchy). It
// checks that the model's application-managed-buffer figures say something
// about hardware caches too; agreement is approximate (see the tolerance
// documented in tests/model/cache_oracle_test.cpp). Small layers only.
#pragma once

#include "model/memory_hierarchy.h"
#include "model/problem.h"
#include "model/schedule.h"
#include "model/traffic.h"

namespace memsched {

// Report per buffer level and tensor: read_bytes = lines filled from the next
// level, write_bytes = dirty lines written back to it (incl. the final flush).
// footprint_bytes is 0 (a cache holds whatever LRU keeps).
TrafficReport simulate_caches(const Problem& p, const MemoryHierarchy& h, const Schedule& s);

} // namespace memsched
