// Cortex-M0 (QEMU microbit: 16 KiB of RAM at 0x2000_0000): the SysTick interrupt produces, the main
// loop consumes, through a compact ring (Granule::Line): 64 four-byte slots cost 640 bytes, where the
// page layout would need 16 KiB, all of this machine's RAM. ARMv6-M has no atomics, so the ring uses
// the plain-word index policy (aligned LDR/STR + DMB, shared_word.hpp).
#include <cstdint>

#include "systick_stream.hpp"

namespace {
using Ring = bramble::ipc::SpscRing<std::uint32_t, 64, std::uint32_t, bramble::ipc::Granule::Line>;
static_assert(Ring::kBytes == 640, "data plus six cache lines");
static_assert(bramble::ipc::kIndexAccess<std::uint32_t> == bramble::ipc::IndexAccess::PlainWord,
              "ARMv6-M has no read-modify-write atomics: the plain-word policy must be the one in use");

alignas(64) unsigned char ring_memory[Ring::kBytes];
fw::SysTickStream<Ring> stream;
} // namespace

extern "C" void SysTick_Handler() { fw::SysTickStream<Ring>::tick(); }

int main() {
  // 16 MHz core clock: a tick every 2000 cycles (125 us).
  return stream.run("m0", ring_memory, 20000, 2000 - 1);
}
