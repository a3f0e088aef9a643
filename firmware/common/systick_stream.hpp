// The single-core example shared by the Cortex-M0 and Cortex-M4 images: the SysTick interrupt
// produces, the main loop consumes, through one SpscRing<std::uint32_t, 64> whose layout (page or
// cache-line granule) the example chooses. Indices start kStartBelowWrap below 2^32, so the stream
// crosses the 32-bit index wrap after that many messages; every message is its sequence number, and
// the consumer checks each one arrives exactly once and in order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>

#include <bramble/ipc/ipc.hpp>

#include "irq_event.hpp"
#include "semihost.hpp"

namespace fw {

inline constexpr std::uint32_t kStartBelowWrap = 1000; // first index: 2^32 - 1000
inline constexpr std::uint32_t kBurst = 24;            // items the handler offers per tick at most

// SysTick (ARMv6-M ARM B3.3, ARMv7-M ARM B3.3): counts the processor clock down from RVR.
struct SysTick {
  static volatile std::uint32_t& reg(std::uintptr_t a) { return *reinterpret_cast<volatile std::uint32_t*>(a); }
  static void start(std::uint32_t reload) {
    reg(0xE000E014) = reload; // SYST_RVR
    reg(0xE000E018) = 0;      // SYST_CVR
    reg(0xE000E010) = 7;      // SYST_CSR: ENABLE | TICKINT | CLKSOURCE (processor clock)
  }
  static void stop() {
    reg(0xE000E010) = 0;
    __asm__ volatile("dsb\n\tisb" ::: "memory"); // the handler's last writes are ours to read now
  }
};

template <typename Ring> class SysTickStream {
public:
  using Producer = typename Ring::template Producer<HandlerSide>;
  using Consumer = typename Ring::template Consumer<ThreadSide>;

  // Lays the ring out in `memory`, opens both ends, streams `messages` and checks them. Returns the
  // exit code and prints one verdict line starting with `name`.
  int run(const char* name, void* memory, std::uint32_t messages, std::uint32_t reload) {
    messages_ = messages;
    const std::uint32_t start = static_cast<std::uint32_t>(0U - kStartBelowWrap);
    if (!Ring::format(memory, Ring::kBytes, start).ok()) return fail(name, "format");
    auto tx = Ring::template open_producer<HandlerSide>(memory, Ring::kBytes, HandlerSide{&event_});
    auto rx = Ring::template open_consumer<ThreadSide>(memory, Ring::kBytes, ThreadSide{&event_});
    if (!tx.ok() || !rx.ok()) return fail(name, "open");
    producer_ = ::new (static_cast<void*>(producer_storage_)) Producer(static_cast<Producer&&>(*tx));
    active_ = this;
    SysTick::start(reload);

    std::uint32_t expected = 0;
    while (expected < messages) {
      std::uint32_t value = 0;
      if (auto r = rx->pop(value); !r) return fail(name, bramble::ipc::error_name(r.error()));
      if (value != expected) {
        SysTick::stop();
        Line l;
        l << name << ": FAIL out of order: expected ";
        l.dec(expected) << " got ";
        l.dec(value).print();
        return 1;
      }
      ++expected;
    }
    SysTick::stop();
    const std::uint32_t end = static_cast<std::uint32_t>(rx->position());
    if (end != static_cast<std::uint32_t>(start + messages) || end >= start) return fail(name, "index did not wrap");
    Line l;
    l << name << ": ";
    l.dec(expected) << " messages in order across the index wrap (";
    l.hex(start) << " -> ";
    l.hex(end) << "), ring ";
    l.dec(static_cast<std::uint32_t>(Ring::kBytes)) << " bytes, consumer slept ";
    l.dec(static_cast<std::uint32_t>(rx->waits())) << " times, ";
    l.dec(full_ticks_) << " ticks found the ring full";
    l.print();
    return 0;
  }

  // SysTick_Handler calls this: offer up to kBurst messages, stop at the first Full.
  static void tick() {
    if (active_ != nullptr) active_->produce();
  }

private:
  void produce() {
    for (std::uint32_t i = 0; i < kBurst && next_ < messages_; ++i) {
      auto r = producer_->try_push(next_);
      if (!r) {
        if (r.error() == bramble::ipc::Error::Full) ++full_ticks_;
        return;
      }
      ++next_;
    }
  }

  static int fail(const char* name, const char* why) {
    SysTick::stop();
    Line l;
    l << name << ": FAIL " << why;
    l.print();
    return 1;
  }

  inline static SysTickStream* active_ = nullptr;
  IrqEvent event_;
  alignas(Producer) unsigned char producer_storage_[sizeof(Producer)] = {};
  Producer* producer_ = nullptr;
  std::uint32_t messages_ = 0;
  std::uint32_t next_ = 0;       // written only by the handler
  std::uint32_t full_ticks_ = 0; // written only by the handler, read after SysTick::stop()
};

} // namespace fw
