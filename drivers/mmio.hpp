// Memory-mapped I/O backends. Every driver is a template over one of these, so its logic runs on the
// host against a fake (tests/unit/drivers) and in the kernel against the real bus.
//
// Register blocks are plain structs used for their layout only (offsets static_assert'ed against the
// datasheet); every access is one full-width volatile load or store through the backend.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

namespace bramble::drivers {

template <typename T>
concept MmioBackend = requires(T io, std::uintptr_t address, std::uint32_t value) {
  { io.read32(address) } -> std::same_as<std::uint32_t>;
  io.write32(address, value);
};

// The real bus: a volatile 32-bit access at the address.
struct DirectMmio {
  [[nodiscard]] std::uint32_t read32(std::uintptr_t address) const {
    return *reinterpret_cast<volatile const std::uint32_t*>(address);
  }
  void write32(std::uintptr_t address, std::uint32_t value) const {
    *reinterpret_cast<volatile std::uint32_t*>(address) = value;
  }
};

// A register block of layout Regs at a base address, reached through backend Io.
template <typename Regs, MmioBackend Io> class RegisterBlock {
public:
  constexpr RegisterBlock(std::uintptr_t base, Io io = Io{}) : base_(base), io_(io) {}

  [[nodiscard]] std::uint32_t read(std::size_t offset) const { return io_.read32(base_ + offset); }
  void write(std::size_t offset, std::uint32_t value) const { io_.write32(base_ + offset, value); }
  [[nodiscard]] std::uintptr_t base() const { return base_; }

private:
  std::uintptr_t base_;
  Io io_;
};

// A device's MMIO range and interrupt line, as a board declares it for user-space drivers.
struct DeviceRange {
  const char* name;
  std::uint64_t base; // physical, page aligned
  std::uint64_t size; // bytes, a page multiple
  std::uint32_t irq;  // the controller's line, or kNoDeviceIrq
};
inline constexpr std::uint32_t kNoDeviceIrq = 0xFFFF'FFFF;

// Offset of a register in its block, for RegisterBlock::read/write.
#define BRAMBLE_REG(Regs, field) offsetof(Regs, field)

} // namespace bramble::drivers
