// A notifier for one core whose peer is an interrupt handler (producer in SysTick, consumer in the
// main loop): the handler's signal() sets a word, the main loop's wait() sleeps in WFI until it is
// set. It has the kernel notification's semantics (notifier.hpp): a signal before the wait is kept,
// several collapse into one, and a wait may return early.
//
// The race between "the word is clear" and WFI is closed the standard way: test the word with
// interrupts masked (CPSID I), because WFI still wakes on an interrupt that is pending while PRIMASK
// masks it (ARMv6-M ARM B1.5.17 / ARMv7-M ARM B1.5.19, "Wait For Interrupt"), then unmask so the
// handler runs, and test again.
#pragma once

#include <cstdint>

namespace fw {

class IrqEvent {
public:
  void signal() { word_ = 1; } // from the interrupt handler
  void wait() {                // from thread mode
    __asm__ volatile("cpsid i" ::: "memory");
    while (word_ == 0) {
      __asm__ volatile("wfi" ::: "memory");
      __asm__ volatile("cpsie i\n\tisb\n\tcpsid i" ::: "memory"); // let the pending handler run
    }
    word_ = 0;
    __asm__ volatile("cpsie i" ::: "memory");
  }

private:
  volatile std::uint32_t word_ = 0;
};

// Each side's end of one IrqEvent. The interrupt-side producer never waits (it must not block in a
// handler: it drops to the next tick when the ring is full), so its wait() is never called; the
// thread-side consumer never needs to wake the handler, which runs on its own timer.
struct HandlerSide {
  IrqEvent* event;
  void signal() { event->signal(); }
  void wait() {}
};
struct ThreadSide {
  IrqEvent* event;
  void signal() {}
  void wait() { event->wait(); }
};

} // namespace fw
