// GPIO block of the BCM2835 family (BCM2837 on the Pi 3, BCM2711 on the Pi 4).
// Function select: BCM2835 ARM Peripherals, section 6.1 (GPFSELn, 3 bits per pin). Pull control
// differs: BCM2835/7 use the GPPUD + GPPUDCLKn clocked sequence (section 6.1, "GPIO Pull-up/down
// Clock Registers"); BCM2711 replaced it with GPIO_PUP_PDN_CNTRL_REGn, 2 bits per pin
// (BCM2711 ARM Peripherals, section 5.2).
#pragma once

#include "drivers/mmio.hpp"

namespace bramble::drivers {

struct GpioRegisters {
  std::uint32_t gpfsel[6];   // 0x00-0x14 function select
  std::uint32_t rsvd0;       // 0x18
  std::uint32_t gpset[2];    // 0x1C-0x20
  std::uint32_t rsvd1;       // 0x24
  std::uint32_t gpclr[2];    // 0x28-0x2C
  std::uint32_t rsvd2;       // 0x30
  std::uint32_t gplev[2];    // 0x34-0x38
  std::uint32_t rsvd3[22];   // 0x3C-0x90 event detect registers (unused)
  std::uint32_t gppud;       // 0x94 (BCM2835/7 only)
  std::uint32_t gppudclk[2]; // 0x98-0x9C (BCM2835/7 only)
  std::uint32_t rsvd4[17];   // 0xA0-0xE0
  std::uint32_t pup_pdn[4];  // 0xE4-0xF0 (BCM2711 only)
};
static_assert(offsetof(GpioRegisters, gpfsel) == 0x00);
static_assert(offsetof(GpioRegisters, gpset) == 0x1C);
static_assert(offsetof(GpioRegisters, gplev) == 0x34);
static_assert(offsetof(GpioRegisters, gppud) == 0x94);
static_assert(offsetof(GpioRegisters, gppudclk) == 0x98);
static_assert(offsetof(GpioRegisters, pup_pdn) == 0xE4);

enum class GpioFunction : std::uint32_t {
  Input = 0b000,
  Output = 0b001,
  Alt0 = 0b100,
  Alt1 = 0b101,
  Alt2 = 0b110,
  Alt3 = 0b111,
  Alt4 = 0b011,
  Alt5 = 0b010,
};

enum class GpioPullStyle { Bcm2835Clocked, Bcm2711Direct };

template <MmioBackend Io = DirectMmio> class Gpio {
public:
  static constexpr unsigned kPinCount = 54;

  constexpr Gpio(std::uintptr_t base, GpioPullStyle style, Io io = Io{}) : regs_(base, io), style_(style) {}

  void set_function(unsigned pin, GpioFunction function) const {
    if (pin >= kPinCount) return;
    const std::size_t offset = BRAMBLE_REG(GpioRegisters, gpfsel) + 4 * (pin / 10);
    const unsigned shift = 3 * (pin % 10);
    std::uint32_t value = regs_.read(offset);
    value &= ~(0b111u << shift);
    value |= static_cast<std::uint32_t>(function) << shift;
    regs_.write(offset, value);
  }

  // Disables the pull-up/down resistors of a pin (what a UART pin wants).
  void disable_pull(unsigned pin) const {
    if (pin >= kPinCount) return;
    if (style_ == GpioPullStyle::Bcm2711Direct) {
      const std::size_t offset = BRAMBLE_REG(GpioRegisters, pup_pdn) + 4 * (pin / 16);
      const unsigned shift = 2 * (pin % 16);
      regs_.write(offset, regs_.read(offset) & ~(0b11u << shift));
      return;
    }
    // BCM2835 6.1: write the control, wait 150 cycles, clock it into the pin, wait, remove both.
    regs_.write(BRAMBLE_REG(GpioRegisters, gppud), 0);
    delay_cycles(150);
    const std::size_t clk = BRAMBLE_REG(GpioRegisters, gppudclk) + 4 * (pin / 32);
    regs_.write(clk, 1u << (pin % 32));
    delay_cycles(150);
    regs_.write(BRAMBLE_REG(GpioRegisters, gppud), 0);
    regs_.write(clk, 0);
  }

private:
  static void delay_cycles(unsigned n) {
    for (unsigned i = 0; i < n; ++i)
      asm volatile("" ::: "memory");
  }

  RegisterBlock<GpioRegisters, Io> regs_;
  GpioPullStyle style_;
};

} // namespace bramble::drivers
