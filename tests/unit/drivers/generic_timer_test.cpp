#include <doctest/doctest.h>

#include "drivers/generic_timer.hpp"

using namespace bramble::drivers;

namespace {
struct FakeSysregs {
  std::uint64_t* now;
  std::uint64_t frequency_hz;
  std::uint64_t* compare;
  std::uint64_t* control;
  std::uint64_t frequency() const { return frequency_hz; }
  std::uint64_t counter() const { return *now; }
  void set_compare(std::uint64_t v) const { *compare = v; }
  void set_control(std::uint64_t v) const { *control = v; }
};
} // namespace

TEST_CASE("period from CNTFRQ: QEMU 62.5 MHz, Pi 4 54 MHz, Pi 3 19.2 MHz") {
  CHECK(timer::ticks_per_period(62'500'000, 100) == 625'000);
  CHECK(timer::ticks_per_period(54'000'000, 100) == 540'000);
  CHECK(timer::ticks_per_period(19'200'000, 1000) == 19'200);
  CHECK(timer::ticks_per_period(10, 1000) == 1); // never zero
  CHECK(timer::ticks_per_period(10, 0) == 10);
}

TEST_CASE("deadlines advance from the previous deadline, counting missed periods") {
  std::uint64_t now = 1000, compare = 0, control = 0;
  PeriodicTimer<FakeSysregs> t(FakeSysregs{&now, 62'500'000, &compare, &control});
  t.start(100);
  CHECK(control == timer::kCtlEnable);
  CHECK(compare == 1000 + 625'000);
  now = 1000 + 625'000 + 17; // serviced a little late
  CHECK(t.on_interrupt() == 1);
  CHECK(compare == 1000 + 2 * 625'000); // no drift
  now = 1000 + 5 * 625'000 + 1;         // three periods were missed
  CHECK(t.on_interrupt() == 4);
  CHECK(compare == 1000 + 6 * 625'000);
  t.stop();
  CHECK(control == timer::kCtlImask);
}
