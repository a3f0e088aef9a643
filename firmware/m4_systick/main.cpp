// Cortex-M4 (QEMU mps2-an386): the same stream as the Cortex-M0 example, with the page layout
// (Granule::Page, what the kernel's channels use): the ring costs 16 KiB for 256 bytes of data, which is
// why firmware without an MMU picks the compact layout. std::atomic<uint32_t> is lock-free here.
#include <cstdint>

#include "systick_stream.hpp"

namespace {
using Ring = bramble::ipc::SpscRing<std::uint32_t, 64, std::uint32_t, bramble::ipc::Granule::Page>;
static_assert(Ring::kBytes == 4 * bramble::ipc::kPageSize, "three pages of header and control, one of data");
static_assert(bramble::ipc::kIndexAccess<std::uint32_t> == bramble::ipc::IndexAccess::Atomic);

alignas(bramble::ipc::kPageSize) unsigned char ring_memory[Ring::kBytes];
fw::SysTickStream<Ring> stream;
} // namespace

extern "C" void SysTick_Handler() { fw::SysTickStream<Ring>::tick(); }

int main() {
  // 25 MHz core clock: a tick every 2500 cycles (100 us).
  return stream.run("m4", ring_memory, 20000, 2500 - 1);
}
