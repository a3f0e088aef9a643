// check_invariants: the capability system's consistency check, for host tests, the fuzzer's end-of-run
// check (the derivation tree must be consistent after any call sequence) and kernel self-tests. It reads every slot
// of the given tables, which must be all the tables that exist (a link into a table that is not
// listed is reported as dangling). Cost O(slots^2): a test and debug tool, not a hot path.
#pragma once

#include "kernel/cap/cap_table.hpp"

namespace bramble::cap {

struct InvariantReport {
  const char* violation = nullptr; // nullptr when every invariant holds
  const Capability* where = nullptr;
  [[nodiscard]] bool ok() const { return violation == nullptr; }
};

// Checks that:
//  - slot 0 of every table and every empty slot are all-zero;
//  - a capability's type is a real type, its rights are ones its type uses, only badged types carry
//    badges;
//  - every tree link (parent, first child, siblings) points at a live slot of a listed table, links
//    are mutual (a child's parent lists it among its children), and parent chains have no cycles;
//  - a child points at its parent's object, has no right its parent lacks and keeps a parent's badge,
//    except the first capability of an object made through a memory capability (its child);
//  - each object's capability count equals the number of capabilities that point at it.
[[nodiscard]] InvariantReport check_invariants(std::span<const CapTable* const> tables);

} // namespace bramble::cap
