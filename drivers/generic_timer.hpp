// ARM generic timer, EL1 physical timer (CNTP_*_EL0). ARM ARM D11 "The Generic Timer in AArch64
// state". The frequency is always read from CNTFRQ_EL0 (62.5 MHz under QEMU, 54 MHz on a Pi 4,
// 19.2 MHz on a Pi 3), never assumed.
#pragma once

#include <concepts>
#include <cstdint>

namespace bramble::drivers {

template <typename T>
concept TimerSysregs = requires(T r, std::uint64_t v) {
  { r.frequency() } -> std::same_as<std::uint64_t>; // CNTFRQ_EL0
  { r.counter() } -> std::same_as<std::uint64_t>;   // CNTPCT_EL0
  r.set_compare(v);                                 // CNTP_CVAL_EL0
  r.set_control(v);                                 // CNTP_CTL_EL0
};

namespace timer {
inline constexpr std::uint64_t kCtlEnable = 1u << 0; // CNTP_CTL.ENABLE
inline constexpr std::uint64_t kCtlImask = 1u << 1;  // CNTP_CTL.IMASK: interrupt masked
inline constexpr std::uint64_t kCtlIstatus = 1u << 2;

// Counter ticks in one period of a `hz` rate, never zero.
[[nodiscard]] constexpr std::uint64_t ticks_per_period(std::uint64_t frequency, std::uint32_t hz) {
  if (hz == 0) return frequency;
  const std::uint64_t ticks = frequency / hz;
  return ticks == 0 ? 1 : ticks;
}
} // namespace timer

#if defined(__aarch64__)
struct Aarch64TimerSysregs {
  [[nodiscard]] std::uint64_t frequency() const {
    std::uint64_t v;
    asm volatile("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
  }
  [[nodiscard]] std::uint64_t counter() const {
    std::uint64_t v;
    asm volatile("isb; mrs %0, cntpct_el0" : "=r"(v)::"memory");
    return v;
  }
  void set_compare(std::uint64_t v) const { asm volatile("msr cntp_cval_el0, %0; isb" ::"r"(v)); }
  void set_control(std::uint64_t v) const { asm volatile("msr cntp_ctl_el0, %0; isb" ::"r"(v)); }
};
#endif

// A periodic tick: each interrupt advances the compare value by one period from the previous
// deadline (not from "now"), so ticks do not drift when an interrupt is serviced late.
template <TimerSysregs Regs> class PeriodicTimer {
public:
  constexpr explicit PeriodicTimer(Regs regs = Regs{}) : regs_(regs) {}

  void start(std::uint32_t hz) {
    period_ = timer::ticks_per_period(regs_.frequency(), hz);
    deadline_ = regs_.counter() + period_;
    regs_.set_compare(deadline_);
    regs_.set_control(timer::kCtlEnable);
  }
  void stop() const { regs_.set_control(timer::kCtlImask); }

  // Call from the timer interrupt: schedules the next deadline. Returns how many periods passed
  // (more than one if interrupts were held off).
  std::uint64_t on_interrupt() {
    const std::uint64_t now = regs_.counter();
    std::uint64_t periods = 0;
    while (deadline_ <= now) {
      deadline_ += period_;
      ++periods;
    }
    regs_.set_compare(deadline_);
    return periods;
  }

  [[nodiscard]] std::uint64_t frequency() const { return regs_.frequency(); }
  [[nodiscard]] std::uint64_t counter() const { return regs_.counter(); }
  [[nodiscard]] std::uint64_t period() const { return period_; }

private:
  Regs regs_;
  std::uint64_t period_ = 0;
  std::uint64_t deadline_ = 0;
};

} // namespace bramble::drivers
