// ChannelConfig: what a component receives about one of its channels (from the broker, or from its own
// self-service setup), and the one call that opens its end of the ring from it.
//
// A component typically does:
//   auto tx = bramble::ipc::open_producer<Sample, 1024>(config, KernelNotifier{config});
//   if (!tx) ...report tx.error()...
// The open call checks the config against the ring type the component was written for, then validates
// the header at config.base before touching anything else (layout.hpp).
#pragma once

#include <cstddef>
#include <cstdint>

#include "bramble/ipc/config.hpp"
#include "bramble/ipc/layout.hpp"
#include "bramble/ipc/notifier.hpp"
#include "bramble/ipc/record_ring.hpp"
#include "bramble/ipc/result.hpp"
#include "bramble/ipc/spsc_ring.hpp"

namespace bramble::ipc {

enum class Role : std::uint8_t { Producer = 1, Consumer = 2 };

struct ChannelConfig {
  std::uintptr_t base = kChannelWindowBase; // where the ring is mapped in this address space
  std::size_t size = 0;                     // bytes mapped from base
  Role role = Role::Producer;               // which end this component holds
  RingKind kind = RingKind::Element;
  std::uint32_t element_size = 0; // sizeof(T) for an element ring, 1 for a record ring
  std::uint64_t capacity = 0;     // slots (element ring) or bytes (record ring)
  // Notification handles, opaque to this library (capability slots for the kernel notifier in user/):
  std::uint64_t signal_handle = 0; // the peer waits on it; we signal it
  std::uint64_t wait_handle = 0;   // we wait on it; the peer signals it
};

// The config a broker hands out for one end of a ring type (the notification handles still to be filled).
template <typename RingType>
[[nodiscard]] constexpr ChannelConfig channel_config_for(Role role, std::uintptr_t base = kChannelWindowBase) {
  return ChannelConfig{
      base, RingType::kBytes, role, RingType::kSpec.kind, RingType::kSpec.element_size, RingType::kSpec.capacity, 0, 0};
}

namespace detail {
[[nodiscard]] constexpr Result<void> check_config(const ChannelConfig& c, Role role, const RingSpec& spec) {
  if (c.role != role || c.kind != spec.kind || c.element_size != spec.element_size || c.capacity != spec.capacity)
    return err(Error::WrongRole);
  return {};
}
[[nodiscard]] inline void* config_base(const ChannelConfig& c) { return reinterpret_cast<void*>(c.base); }
} // namespace detail

template <typename T, std::size_t N, Notifier Nt = NoNotify, RingIndex I = DefaultIndex, Granule G = Granule::Page>
[[nodiscard]] Result<RingProducer<T, N, Nt, I>> open_producer(const ChannelConfig& config, Nt notifier = {}) {
  using Ring = SpscRing<T, N, I, G>;
  if (auto r = detail::check_config(config, Role::Producer, Ring::kSpec); !r) return err(r.error());
  return Ring::template open_producer<Nt>(detail::config_base(config), config.size, notifier);
}

template <typename T, std::size_t N, Notifier Nt = NoNotify, RingIndex I = DefaultIndex, Granule G = Granule::Page>
[[nodiscard]] Result<RingConsumer<T, N, Nt, I>> open_consumer(const ChannelConfig& config, Nt notifier = {}) {
  using Ring = SpscRing<T, N, I, G>;
  if (auto r = detail::check_config(config, Role::Consumer, Ring::kSpec); !r) return err(r.error());
  return Ring::template open_consumer<Nt>(detail::config_base(config), config.size, notifier);
}

template <std::size_t N, Notifier Nt = NoNotify, RingIndex I = DefaultIndex, Granule G = Granule::Page>
[[nodiscard]] Result<RecordProducer<N, Nt, I>> open_record_producer(const ChannelConfig& config, Nt notifier = {}) {
  using Ring = RecordRing<N, I, G>;
  if (auto r = detail::check_config(config, Role::Producer, Ring::kSpec); !r) return err(r.error());
  return Ring::template open_producer<Nt>(detail::config_base(config), config.size, notifier);
}

template <std::size_t N, Notifier Nt = NoNotify, RingIndex I = DefaultIndex, Granule G = Granule::Page>
[[nodiscard]] Result<RecordConsumer<N, Nt, I>> open_record_consumer(const ChannelConfig& config, Nt notifier = {}) {
  using Ring = RecordRing<N, I, G>;
  if (auto r = detail::check_config(config, Role::Consumer, Ring::kSpec); !r) return err(r.error());
  return Ring::template open_consumer<Nt>(detail::config_base(config), config.size, notifier);
}

} // namespace bramble::ipc
