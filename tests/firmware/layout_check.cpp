// Compiled for every target by firmware.layout.<target>: the golden layout's static_asserts must hold
// with that target's compiler, ABI and index access policy.
#include "golden_layout.hpp"

#include "bramble/ipc/ipc.hpp"

static_assert(bramble::ipc::RingIndex<std::uint32_t>, "every target can share a ring with a 32-bit index");
