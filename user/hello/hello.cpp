// The smallest user program: prints through debug_write and exits with 0. It exercises the runtime
// (crt0, .bss clearing, a constructor, print) and the build glue that embeds programs in the kernel.
#include <cstdint>

#include "user/runtime/print.hpp"

namespace {

// A constructor the compiler cannot fold away (it depends on a volatile), so .init_array is used and
// crt0 must run it for the greeting to count correctly.
volatile unsigned seed = 3;
struct Counter {
  unsigned value;
  Counter() : value(seed) {}
};
Counter counter;
unsigned zeroed; // in .bss

} // namespace

int main(const void* startup) {
  counter.value += zeroed;
  const bool ok = bramble::user::print("hello from user space (startup page %p, counter %u)\n", startup, counter.value);
  return ok ? 0 : 1;
}
