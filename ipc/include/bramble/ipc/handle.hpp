// What every ring handle shares, element or record, producer or consumer: the facts it reports about
// itself, the one sleep a caller retries with after Full or Empty, and the blocking retry loop. The
// ring headers derive their handles from ProducerHandle / ConsumerHandle and keep only what differs
// (how a unit is pushed or popped).
#pragma once

#include <cstddef>
#include <cstdint>

#include "bramble/ipc/endpoint.hpp"
#include "bramble/ipc/result.hpp"

namespace bramble::ipc::detail {

template <typename Core, std::size_t N> class HandleFacts {
public:
  [[nodiscard]] bool broken() const { return core_.faulted(); }
  [[nodiscard]] Error fault() const { return core_.fault(); }
  [[nodiscard]] auto position() const { return core_.position(); }
  [[nodiscard]] std::uint64_t signals_sent() const { return core_.signals_sent(); }
  [[nodiscard]] std::uint64_t waits() const { return core_.waits(); }
  [[nodiscard]] std::uint64_t sleeps() const { return core_.sleeps(); }
  [[nodiscard]] std::uint64_t spins_won() const { return core_.spins_won(); }
  static constexpr std::size_t capacity() { return N; }

protected:
  template <typename Attached, typename Nt> HandleFacts(const Attached& a, Nt notifier) : core_(a, notifier) {}

  Core core_;
};

template <typename Core, std::size_t N> class ProducerHandle : public HandleFacts<Core, N> {
public:
  // After a Full: sleeps (notify on need) until `units` may be free, or returns at once if they are;
  // may return early (spurious wake-up), so retry and call again.
  [[nodiscard]] Result<void> wait_for_space(std::size_t units) {
    if (this->core_.faulted()) return err(this->core_.fault());
    if (units > N) return err(Error::TooLarge); // would never be satisfied
    return this->core_.wait_for_space(units);
  }

protected:
  using HandleFacts<Core, N>::HandleFacts;
};

template <typename Core, std::size_t N> class ConsumerHandle : public HandleFacts<Core, N> {
public:
  // After an Empty: sleeps (notify on need) until data may be available, or returns at once if it is;
  // may return early (spurious wake-up), so retry and call again.
  [[nodiscard]] Result<void> wait_for_data() {
    if (this->core_.faulted()) return err(this->core_.fault());
    return this->core_.wait_for_data();
  }

protected:
  using HandleFacts<Core, N>::HandleFacts;
};

// The blocking form of a try_ operation: retries `attempt` while it fails with `again` (Full or
// Empty), sleeping with `sleep` (the core's wait_for_space / wait_for_data) in between.
template <typename Attempt, typename Sleep>
[[nodiscard]] auto retry_blocking(Error again, Attempt attempt, Sleep sleep) -> decltype(attempt()) {
  for (;;) {
    auto r = attempt();
    if (r.ok() || r.error() != again) return r;
    if (auto w = sleep(); !w) return err(w.error());
  }
}

} // namespace bramble::ipc::detail
