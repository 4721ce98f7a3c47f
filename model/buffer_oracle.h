// Oracle (a): a trace-driven simulator of application-managed buffers that
// hold exactly the scheduled tiles. It walks the scheduled tile-loop nest
// iteration by iteration, computes each fill's box by enumerating the loop
// points inside it, tracks which output elements already hold partial sums,
// subtracts the previous box for sliding-window fills, and counts the lines
// of every maximal contiguous address range it moves. Independent of the
// closed-form code in footprint.cpp; the model must equal it exactly.
// Cost: O(MACs + rows moved) per level and tensor: for small layers only.
#pragma once

#include "model/memory_hierarchy.h"
#include "model/problem.h"
#include "model/schedule.h"
#include "model/traffic.h"

namespace memsched {

// Same report shape as evaluate(); footprint_bytes is the largest box seen.
TrafficReport simulate_buffers(const Problem& p, const MemoryHierarchy& h, const Schedule& s);

} // namespace memsched
