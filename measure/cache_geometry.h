// CacheGeometry: one simulated cache as cachegrind's --D1/--LL/--I1 take it
// (size, associativity, line), parsed from the CLI spelling
// "LL=256KiB[,ASSOC,LINE]". Cachegrind needs a power-of-two number of sets,
// so the parser rejects what valgrind would refuse later with a vaguer message.
#pragma once

#include <cstdint>
#include <string>

namespace memsched::measure {

struct CacheGeometry {
    std::string level;       // "LL" or "D1"
    int64_t size_bytes = 0;
    int64_t associativity = 8;
    int64_t line_bytes = 64;

    int64_t sets() const { return size_bytes / (associativity * line_bytes); }
    // "262144,16,64": the argument of valgrind's --LL= / --D1=.
    std::string valgrind_arg() const;
    // "LL=256KiB,16,64"
    std::string describe() const;
};

// Defaults when ASSOC/LINE are omitted: D1 8-way, LL 16-way, 64 B lines.
// Throws std::invalid_argument naming the field and value on bad input
// (unknown level, size not a byte size, sets not a power of two, ...).
CacheGeometry parse_cache_geometry(const std::string& text, const std::string& field = "--cache");

// The default D1 when the user gives only an LL: 32 KiB, 8-way, 64 B.
CacheGeometry default_d1();

} // namespace memsched::measure
