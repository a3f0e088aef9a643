// The index bookkeeping both ring kinds share: one producer core and one consumer core, each owning its
// side's private state (its own index, a cached copy of the peer's index, the notify-on-need state and
// a sticky fault). Element rings count indices in slots, record rings in bytes; the cores do not care.
//
// Trust rule: the only values these cores read from shared memory are the peer's index and the peer's
// sleep word. An index is accepted only if it moved forward by no more than is possible; anything else
// faults the handle with Error::PeerCorrupted, for good. Our own index lives in private memory and is
// only ever written to shared memory, never read back.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>

#include "bramble/ipc/config.hpp"
#include "bramble/ipc/layout.hpp"
#include "bramble/ipc/notifier.hpp"
#include "bramble/ipc/result.hpp"
#include "bramble/ipc/wake.hpp"

namespace bramble::ipc::detail {

template <RingIndex I> struct Attached {
  ProducerControl<I>* producer;
  ConsumerControl<I>* consumer;
  unsigned char* data;
  const ChannelStateWord* state; // page 0's channel-state word (layout.hpp), read on slow paths only
  I tail;
  I head;
};

// Validates the header, locates the parts and reads the two indices once. `unit` is the granularity
// indices move in (1 for slots, the record alignment for a record ring).
template <RingIndex I>
[[nodiscard]] inline Result<Attached<I>> attach(void* base, std::size_t size, const RingSpec& spec, I unit) {
  auto g = validate_header(base, size, spec);
  if (!g) return err(g.error());
  auto* bytes = static_cast<unsigned char*>(base);
  // The parts start on granule boundaries (validate_header checked the geometry): going through void*
  // says so to -Wcast-align (GCC with -mstrict-align).
  auto* p = std::launder(static_cast<ProducerControl<I>*>(static_cast<void*>(bytes + g->producer.offset)));
  auto* c = std::launder(static_cast<ConsumerControl<I>*>(static_cast<void*>(bytes + g->consumer.offset)));
  const I tail = p->tail.load(std::memory_order_acquire);
  const I head = c->head.load(std::memory_order_acquire);
  if (static_cast<I>(tail - head) > spec.capacity || tail % unit != 0 || head % unit != 0)
    return err(Error::PeerCorrupted);
  return Attached<I>{p, c, bytes + g->data.offset, channel_state(base), tail, head};
}

// Shared by both cores: the sticky fault.
class Fault {
public:
  [[nodiscard]] bool faulted() const { return faulted_; }
  [[nodiscard]] Error fault() const { return fault_; }
  Unexpected set(Error e) {
    if (!faulted_) {
      faulted_ = true;
      fault_ = e;
    }
    return err(fault_);
  }

private:
  bool faulted_ = false;
  Error fault_ = Error::PeerCorrupted;
};

// Each core sits on its own cache line(s): a producer handle and a consumer handle placed side by side
// (two threads of one process, or a handle next to other hot data) must not share a line, or every
// private index update would bounce it between the CPUs.
template <RingIndex I, std::uint64_t Capacity, Notifier Nt> class alignas(kCacheLine) ProducerCore {
public:
  ProducerCore(const Attached<I>& a, Nt notifier)
      : own_(a.producer), peer_(a.consumer), data_(a.data), state_(a.state), tail_(a.tail), published_(a.tail),
        cached_head_(a.head), notifier_(notifier) {
    wake_.own_seq = resume_sleep_seq<I>(own_->sleep_seq);
  }
  ProducerCore(ProducerCore&& o) noexcept : ProducerCore(static_cast<const ProducerCore&>(o)) {
    o.set_fault(Error::Detached);
  }
  ProducerCore& operator=(ProducerCore&& o) noexcept {
    if (this != &o) {
      *this = static_cast<const ProducerCore&>(o);
      o.set_fault(Error::Detached);
    }
    return *this;
  }
  ~ProducerCore() = default;

  [[nodiscard]] bool faulted() const { return fault_.faulted(); }
  [[nodiscard]] Error fault() const { return fault_.fault(); }
  // A fault also empties the cache (cached_free() == 0 from then on), so the element fast path needs no
  // fault test of its own: its one "cache says full?" compare sends a faulted handle to refill_one(),
  // which reports the fault. The cached head is never used again once faulted.
  Unexpected set_fault(Error e) {
    cached_head_ = static_cast<I>(tail_ - static_cast<I>(Capacity));
    return fault_.set(e);
  }
  [[nodiscard]] unsigned char* data() const { return data_; }
  [[nodiscard]] I position() const { return tail_; }
  [[nodiscard]] std::size_t offset() const { return static_cast<std::size_t>(tail_ & (Capacity - 1)); }
  [[nodiscard]] std::size_t cached_free() const {
    return static_cast<std::size_t>(Capacity - static_cast<I>(tail_ - cached_head_));
  }

  // Free units, refreshing the cached head (acquire) only if the cache says fewer than `want`.
  [[nodiscard]] Result<std::size_t> free_space(std::size_t want) {
    const std::size_t cached = cached_free();
    if (cached >= want) return cached;
    return refresh();
  }
  // A closed channel has nobody reading: the producer learns it here, on the slow path (once its cached
  // free space ran out, or when it re-checks before sleeping), and faults with Closed for good.
  [[nodiscard]] Result<std::size_t> refresh() {
    if (state_->load(std::memory_order_relaxed) == kChannelClosed) return set_fault(Error::Closed);
    const I head = peer_->head.load(std::memory_order_acquire);
    // The head may only move forward, and never past what we published (tail_ >= published tail).
    if (static_cast<I>(head - cached_head_) > static_cast<I>(tail_ - cached_head_))
      return set_fault(Error::PeerCorrupted);
    cached_head_ = head;
    return cached_free();
  }
  // Slow path of a one-unit push, taken when cached_free() == 0: the fault if there is one, else a
  // refresh (which validates the head once for all the units it frees); Full if still no room.
  [[nodiscard]] Result<void> refill_one() {
    if (faulted()) return err(fault());
    auto f = refresh();
    if (!f) return err(f.error());
    if (f.value() == 0) return err(Error::Full);
    return {};
  }

  void advance(std::size_t units) { tail_ = static_cast<I>(tail_ + static_cast<I>(units)); }
  // advance() + publish() for a caller that already holds the new index in a register.
  void publish_at(I tail) {
    tail_ = tail;
    publish();
  }

  // Makes everything up to tail_ visible to the consumer, then wakes it if it announced a sleep.
  void publish() {
    const I tail = tail_; // one load: the slot stores before may alias our fields as far as the compiler knows
    own_->tail.store(tail, std::memory_order_release);
    published_ = tail;
    signal_if_sleeping(notifier_, peer_->sleep_seq, wake_);
  }

  // Blocks (or spins, when polling) until at least `want` units may be free; the caller retries.
  // Work committed but not yet published (Publish::Later) is published first: the consumer may be
  // asleep waiting for exactly that, and both sides would then sleep for ever.
  [[nodiscard]] Result<void> wait_for_space(std::size_t want) {
    if (published_ != tail_) publish();
    return sleep_until_work(notifier_, own_->sleep_seq, wake_, [&]() -> Result<bool> {
      auto r = refresh();
      if (!r) return err(r.error());
      return r.value() >= want;
    });
  }

  [[nodiscard]] std::uint64_t signals_sent() const { return wake_.signals_sent; }
  [[nodiscard]] std::uint64_t waits() const { return wake_.waits; }
  [[nodiscard]] std::uint64_t sleeps() const { return wake_.sleeps; }
  [[nodiscard]] std::uint64_t spins_won() const { return wake_.spins_won; }

private:
  ProducerCore(const ProducerCore&) = default;
  ProducerCore& operator=(const ProducerCore&) = default;

  ProducerControl<I>* own_;
  const ConsumerControl<I>* peer_;
  unsigned char* data_;
  const ChannelStateWord* state_;
  I tail_;        // private truth of our index, possibly ahead of what is published
  I published_;   // the tail we last stored to the shared page
  I cached_head_; // last head value we accepted
  Nt notifier_;
  WakeState<I> wake_{};
  Fault fault_{};
};

template <RingIndex I, std::uint64_t Capacity, Notifier Nt> class alignas(kCacheLine) ConsumerCore {
public:
  ConsumerCore(const Attached<I>& a, Nt notifier)
      : own_(a.consumer), peer_(a.producer), data_(a.data), state_(a.state), head_(a.head), published_(a.head),
        cached_tail_(a.tail), notifier_(notifier) {
    wake_.own_seq = resume_sleep_seq<I>(own_->sleep_seq);
  }
  ConsumerCore(ConsumerCore&& o) noexcept : ConsumerCore(static_cast<const ConsumerCore&>(o)) {
    o.set_fault(Error::Detached);
  }
  ConsumerCore& operator=(ConsumerCore&& o) noexcept {
    if (this != &o) {
      *this = static_cast<const ConsumerCore&>(o);
      o.set_fault(Error::Detached);
    }
    return *this;
  }
  ~ConsumerCore() = default;

  [[nodiscard]] bool faulted() const { return fault_.faulted(); }
  [[nodiscard]] Error fault() const { return fault_.fault(); }
  // As in ProducerCore: a fault empties the cache (cached_available() == 0 from then on), so the
  // element fast path's one compare also catches a faulted handle.
  Unexpected set_fault(Error e) {
    cached_tail_ = head_;
    return fault_.set(e);
  }
  [[nodiscard]] const unsigned char* data() const { return data_; }
  [[nodiscard]] I position() const { return head_; }
  [[nodiscard]] std::size_t offset() const { return static_cast<std::size_t>(head_ & (Capacity - 1)); }
  [[nodiscard]] std::size_t cached_available() const {
    return static_cast<std::size_t>(static_cast<I>(cached_tail_ - head_));
  }

  // Readable units, refreshing the cached tail (acquire) only if the cache says fewer than `want`.
  [[nodiscard]] Result<std::size_t> available(std::size_t want) {
    const std::size_t cached = cached_available();
    if (cached >= want) return cached;
    return refresh();
  }
  // A closed channel is reported only when nothing is left to read: the state word is read (acquire)
  // only when the ring looks empty, and then the tail once more, so a producer's last publication
  // before it died is still delivered.
  [[nodiscard]] Result<std::size_t> refresh() {
    auto ahead = load_tail();
    if (!ahead || ahead.value() != 0) return ahead;
    if (state_->load(std::memory_order_acquire) != kChannelClosed) return ahead;
    ahead = load_tail();
    if (!ahead || ahead.value() != 0) return ahead;
    return set_fault(Error::Closed);
  }
  // Slow path of a one-unit pop, taken when cached_available() == 0: the fault if there is one, else a
  // refresh (which validates the tail once for all the units it announces); Empty if still nothing.
  [[nodiscard]] Result<void> refill_one() {
    if (faulted()) return err(fault());
    auto a = refresh();
    if (!a) return err(a.error());
    if (a.value() == 0) return err(Error::Empty);
    return {};
  }

  void advance(std::size_t units) { head_ = static_cast<I>(head_ + static_cast<I>(units)); }
  void publish_at(I head) {
    head_ = head;
    publish();
  }

  // Gives the consumed units back to the producer, then wakes it if it announced a sleep.
  void publish() {
    const I head = head_; // one load, as in ProducerCore::publish
    own_->head.store(head, std::memory_order_release);
    published_ = head;
    signal_if_sleeping(notifier_, peer_->sleep_seq, wake_);
  }

  // Releases not yet published (Publish::Later) are published before sleeping, for the same reason
  // as in ProducerCore::wait_for_space.
  [[nodiscard]] Result<void> wait_for_data() {
    if (published_ != head_) publish();
    return sleep_until_work(notifier_, own_->sleep_seq, wake_, [&]() -> Result<bool> {
      auto r = refresh();
      if (!r) return err(r.error());
      return r.value() > 0;
    });
  }

  [[nodiscard]] std::uint64_t signals_sent() const { return wake_.signals_sent; }
  [[nodiscard]] std::uint64_t waits() const { return wake_.waits; }
  [[nodiscard]] std::uint64_t sleeps() const { return wake_.sleeps; }
  [[nodiscard]] std::uint64_t spins_won() const { return wake_.spins_won; }

private:
  ConsumerCore(const ConsumerCore&) = default;
  ConsumerCore& operator=(const ConsumerCore&) = default;

  [[nodiscard]] Result<std::size_t> load_tail() {
    const I tail = peer_->tail.load(std::memory_order_acquire);
    // The tail may only move forward and never more than Capacity ahead of what we have consumed.
    const I ahead = static_cast<I>(tail - head_);
    if (ahead > Capacity || ahead < static_cast<I>(cached_tail_ - head_)) return set_fault(Error::PeerCorrupted);
    cached_tail_ = tail;
    return static_cast<std::size_t>(ahead);
  }

  ConsumerControl<I>* own_;
  const ProducerControl<I>* peer_;
  const unsigned char* data_;
  const ChannelStateWord* state_;
  I head_;        // private truth of our index, possibly ahead of what is published
  I published_;   // the head we last stored to the shared page
  I cached_tail_; // last tail value we accepted
  Nt notifier_;
  WakeState<I> wake_{};
  Fault fault_{};
};

} // namespace bramble::ipc::detail
