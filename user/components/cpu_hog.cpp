// A CPU-bound task with no channel: it counts for ever and never makes a system call, so the only
// way anyone of its priority runs again is the timer taking the CPU away from it. It leaves its count
// in its report page (channels[0].messages) now and then, so the root task can see it ran; the root
// ends it by deleting its task capability.
#include <cstdint>

#include "user/channel/startup.hpp"

using namespace bramble;

int main(const void*) {
  auto* report = reinterpret_cast<volatile user::channel::Report*>(user::channel::kReportAddress);
  report->magic = user::channel::kReportMagic;
  std::uint64_t spins = 0;
  for (;;) {
    ++spins;
    if ((spins & 0xffff) == 0) report->channels[0].messages = spins;
  }
}
