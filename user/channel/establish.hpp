// Self-service channel setup (establish_channel: shmem_register / shmem_query), and channel_config(), which gives a
// component its ChannelConfig whichever way the channel was set up.
//
// Producer: (restarted, with its ring still registered: takes it over, see take_over_producer) allocates
// the four parts of the ring (ipc/layout.hpp) from the memory capability the broker
// gave it, maps them at its window (header read-only once written, its own page and the data
// writable, the consumer's page read-only), creates one notification per direction, and publishes each
// part in the registry under the channel's names with the rights the consumer must get: part 1 the
// producer page (Read) with "to producer" (Signal), part 2 the consumer page (Read, Write) and part 3
// the data (Read, Audit so the consumer can check its size) with "to consumer" (Wait), and part 0, the
// header, last, with "to consumer" (Wait).
// Consumer: asks for part 0 until it exists (yielding between tries, up to a timeout), then parts 1..3,
// and maps them read-only except its own page. Both end with the same layout at the same address as a
// centralized channel. The registry capability's badge limits both to the channel's four names.
#pragma once

#include <cstdint>

#include "bramble/ipc/channel.hpp"
#include "kernel/abi/syscalls.hpp"
#include "user/channel/startup.hpp"
#include "user/lib/sys.hpp"
#include "user/runtime/syscall.hpp"

namespace bramble::user::channel {

enum class SetupError : std::uint8_t {
  NoGrant = 1, // the startup page has no such channel, or no registry capability for it
  Kernel = 2,  // a system call failed (SetupResult::kernel says which error)
  Timeout = 3, // the producer never registered the channel
  Layout = 4,  // the header did not validate, or a part is smaller than the ring needs
};

[[nodiscard]] constexpr const char* setup_error_name(SetupError e) {
  switch (e) {
  case SetupError::NoGrant: return "no grant";
  case SetupError::Kernel: return "kernel call failed";
  case SetupError::Timeout: return "timed out";
  case SetupError::Layout: return "layout";
  }
  return "?";
}

struct SetupResult {
  ipc::ChannelConfig config{};
  SetupError error = SetupError::NoGrant;
  std::uint64_t kernel = 0; // abi::Error of the failed call
  std::uint64_t syscalls = 0;
  bool ok = false;
};

namespace detail {

// Counts every call so a component can report what setting up cost, and remembers where the last
// free slot was found.
struct Calls {
  SetupResult& out;
  std::uint64_t cursor = 1; // mint() searches for a free slot from here (next fit)
  SyscallResult operator()(SyscallResult r) {
    ++out.syscalls;
    if (!r.ok()) out.kernel = r.status;
    return r;
  }
};

// An empty slot at or after `from`, else from slot 1 again (0 when the table is full). The kernel
// puts what memory_allocate, notification_create and shmem_query make in the lowest free slots, so
// after the first few a search from 1 would step over every one of them again.
inline std::uint64_t free_slot(Calls& call, std::uint64_t from) {
  for (int pass = 0; pass < 2; ++pass) {
    for (std::uint64_t slot = pass == 0 ? from : 1; pass == 0 || slot < from; ++slot) {
      const SyscallResult info = call(sys::cap_info(slot));
      if (info.status == static_cast<std::uint64_t>(abi::Error::EmptySlot)) return slot;
      if (info.status == static_cast<std::uint64_t>(abi::Error::InvalidSlot)) break;
    }
  }
  return 0;
}

// A child of `source` with `rights`, in a free slot (0 on failure).
inline std::uint64_t mint(Calls& call, std::uint64_t source, abi::Rights rights) {
  const std::uint64_t slot = free_slot(call, call.cursor);
  if (slot == 0 || !call(sys::cap_mint(source, slot, rights, 0)).ok()) return 0;
  call.cursor = slot + 1;
  return slot;
}

inline SetupResult fail(SetupResult& r, SetupError e) {
  r.ok = false;
  r.error = e;
  return r;
}

// Takes parts 1..3 of a registered ring (part 0 is `part0`, already queried), checks that the data part
// covers what the header will claim (a short frame would fault us later), and maps the four at the
// grant's window with `perms`. Each query brought a notification copy: part `signal_part`'s is the
// side's signal handle, part `wait_part`'s its wait handle, and the other two copies are deleted.
// Opening the ring validates the header.
inline SetupResult map_registered(SetupResult& r, Calls& call, const ChannelGrant& grant, const ipc::RingSpec& spec,
                                  std::uint64_t registry, std::uint64_t name, const SyscallResult& part0,
                                  const abi::MapPerms (&perms)[4], ipc::Role role, int signal_part, int wait_part) {
  const std::uint64_t base = window_base(grant.window);
  const ipc::RingGeometry g = ipc::ring_geometry(spec);
  const std::uint64_t offsets[4] = {g.header.offset, g.producer.offset, g.consumer.offset, g.data.offset};
  std::uint64_t frame[4] = {part0.r1};
  std::uint64_t note[4] = {part0.r2};
  for (std::uint64_t p = 1; p < 4; ++p) {
    const SyscallResult q = call(sys::shmem_query(registry, name + p));
    if (!q.ok()) return fail(r, SetupError::Kernel);
    frame[p] = q.r1;
    note[p] = q.r2;
  }
  for (int p = 0; p < 4; ++p) {
    if (p != signal_part && p != wait_part) (void)call(sys::cap_delete(note[p]));
  }
  const SyscallResult info = call(sys::cap_info(frame[3]));
  if (!info.ok() || info.r2 < g.data.size) return fail(r, SetupError::Layout);
  for (int p = 0; p < 4; ++p) {
    if (!call(sys::memory_map(frame[p], base + offsets[p], perms[p])).ok()) return fail(r, SetupError::Kernel);
  }
  r.config = grant.config;
  r.config.base = base;
  r.config.size = g.total_size;
  r.config.role = role;
  r.config.signal_handle = note[signal_part];
  r.config.wait_handle = note[wait_part];
  r.ok = true;
  return r;
}

// A restarted producer whose ring is still registered under its control names takes it over: the same
// four frames mapped with the same permissions at its window, "to consumer" (part 0) to signal and "to
// producer" (part 1) to wait on, and the indices where its predecessor left them. `header` is the
// control query of part 0.
inline SetupResult take_over_producer(SetupResult& r, Calls& call, const ChannelGrant& grant, const ipc::RingSpec& spec,
                                      const SyscallResult& header) {
  static constexpr abi::MapPerms kPerms[4] = {abi::kMapRead, abi::kMapRead | abi::kMapWrite, abi::kMapRead,
                                              abi::kMapRead | abi::kMapWrite};
  return map_registered(r, call, grant, spec, grant.control, grant.control_name, header, kPerms, ipc::Role::Producer, 0,
                        1);
}

inline SetupResult establish_producer(const ChannelGrant& grant, const ipc::RingSpec& spec) {
  SetupResult r;
  Calls call{r};
  if (grant.control != 0) {
    const SyscallResult q = call(sys::shmem_query(grant.control, grant.control_name));
    if (q.ok()) return take_over_producer(r, call, grant, spec, q);
    if (q.status != static_cast<std::uint64_t>(abi::Error::NameNotFound)) return fail(r, SetupError::Kernel);
  }
  const std::uint64_t base = window_base(grant.window);
  const ipc::RingGeometry g = ipc::ring_geometry(spec);
  const std::uint64_t sizes[4] = {g.header.size, g.producer.size, g.consumer.size, g.data.size};
  const std::uint64_t offsets[4] = {g.header.offset, g.producer.offset, g.consumer.offset, g.data.offset};
  std::uint64_t frame[4] = {};
  for (int p = 0; p < 4; ++p) {
    const SyscallResult f = call(sys::memory_allocate(grant.memory, sizes[p]));
    if (!f.ok()) return fail(r, SetupError::Kernel);
    frame[p] = f.r1;
  }
  // The header: written through a writable mapping, then mapped read-only for good.
  if (!call(sys::memory_map(frame[0], base, abi::kMapRead | abi::kMapWrite)).ok()) return fail(r, SetupError::Kernel);
  void* header = reinterpret_cast<void*>(base);
  if (!ipc::write_header_page(header, spec).ok() || !ipc::validate_header(header, g.total_size, spec).ok())
    return fail(r, SetupError::Layout);
  if (!call(sys::memory_unmap(base)).ok()) return fail(r, SetupError::Kernel);
  const abi::MapPerms perms[4] = {abi::kMapRead, abi::kMapRead | abi::kMapWrite, abi::kMapRead,
                                  abi::kMapRead | abi::kMapWrite};
  for (int p = 0; p < 4; ++p) {
    if (!call(sys::memory_map(frame[p], base + offsets[p], perms[p])).ok()) return fail(r, SetupError::Kernel);
  }
  const SyscallResult to_consumer = call(sys::notification_create(grant.memory));
  const SyscallResult to_producer = call(sys::notification_create(grant.memory));
  if (!to_consumer.ok() || !to_producer.ok()) return fail(r, SetupError::Kernel);
  // The kernel filled the lowest free slots; what we mint goes after them.
  call.cursor = (to_consumer.r1 > to_producer.r1 ? to_consumer.r1 : to_producer.r1) + 1;
  // What the consumer will hold: each with Grant (the registry needs it) and nothing it must not have.
  const std::uint64_t consumer_waits = mint(call, to_consumer.r1, abi::kRightWait | abi::kRightGrant);
  const std::uint64_t consumer_signals = mint(call, to_producer.r1, abi::kRightSignal | abi::kRightGrant);
  const abi::Rights part_rights[4] = {abi::kRightRead | abi::kRightGrant, abi::kRightRead | abi::kRightGrant,
                                      abi::kRightRead | abi::kRightWrite | abi::kRightGrant,
                                      abi::kRightRead | abi::kRightGrant | abi::kRightAudit};
  if (consumer_waits == 0 || consumer_signals == 0) return fail(r, SetupError::Kernel);
  // The control names first (the broker's and a restarted producer's way back to the ring), so they
  // exist whenever a consumer can find the channel: part 0 the header (writable, for the
  // channel-state word) with "to consumer", part 1 our page with "to producer", then the consumer's
  // page and the data.
  if (grant.control != 0) {
    const std::uint64_t wakes_consumer = mint(call, to_consumer.r1, abi::kRightSignal | abi::kRightGrant);
    const std::uint64_t wakes_producer =
        mint(call, to_producer.r1, abi::kRightSignal | abi::kRightWait | abi::kRightGrant);
    const abi::Rights control_rights[4] = {abi::kRightRead | abi::kRightWrite | abi::kRightGrant | abi::kRightAudit,
                                           abi::kRightRead | abi::kRightWrite | abi::kRightGrant,
                                           abi::kRightRead | abi::kRightGrant,
                                           abi::kRightRead | abi::kRightWrite | abi::kRightGrant | abi::kRightAudit};
    if (wakes_consumer == 0 || wakes_producer == 0) return fail(r, SetupError::Kernel);
    for (int p = 0; p < 4; ++p) {
      const std::uint64_t part = mint(call, frame[p], control_rights[p]);
      const std::uint64_t note = p == 1 ? wakes_producer : wakes_consumer;
      if (part == 0 ||
          !call(sys::shmem_register(grant.control, grant.control_name + static_cast<std::uint64_t>(p), part, note))
               .ok())
        return fail(r, SetupError::Kernel);
    }
  }
  for (int p : {1, 2, 3, 0}) { // part 0 last: a consumer that finds it finds the others too
    const std::uint64_t part = mint(call, frame[p], part_rights[p]);
    const std::uint64_t note = p == 1 ? consumer_signals : consumer_waits;
    if (part == 0 ||
        !call(sys::shmem_register(grant.registry, grant.name + static_cast<std::uint64_t>(p), part, note)).ok())
      return fail(r, SetupError::Kernel);
  }
  r.config = grant.config;
  r.config.base = base;
  r.config.size = g.total_size;
  r.config.role = ipc::Role::Producer;
  r.config.signal_handle = to_consumer.r1;
  r.config.wait_handle = to_producer.r1;
  r.ok = true;
  return r;
}

inline SetupResult establish_consumer(const ChannelGrant& grant, const ipc::RingSpec& spec, std::uint64_t timeout) {
  SetupResult r;
  Calls call{r};
  SyscallResult part0{};
  // Part 0 is registered last: wait for it (the producer may not have run yet), then take the rest.
  for (std::uint64_t tries = 0;; ++tries) {
    part0 = call(sys::shmem_query(grant.registry, grant.name));
    if (part0.ok()) break;
    if (part0.status != static_cast<std::uint64_t>(abi::Error::NameNotFound)) return fail(r, SetupError::Kernel);
    if (tries >= timeout) return fail(r, SetupError::Timeout);
    (void)call(sys::yield());
  }
  // Parts 1..3; "to producer" (part 1) to signal, "to consumer" (part 0) to wait on.
  static constexpr abi::MapPerms kPerms[4] = {abi::kMapRead, abi::kMapRead, abi::kMapRead | abi::kMapWrite,
                                              abi::kMapRead};
  return map_registered(r, call, grant, spec, grant.registry, grant.name, part0, kPerms, ipc::Role::Consumer, 1, 0);
}

} // namespace detail

// Self-service: builds this component's end of the channel named in `grant` (its registry capability,
// name and window) for a ring of shape `spec`. `timeout` bounds how many times a consumer yields while
// the producer has not registered yet.
[[nodiscard]] inline SetupResult establish_channel(const ChannelGrant& grant, ipc::Role role, const ipc::RingSpec& spec,
                                                   std::uint64_t timeout) {
  SetupResult r;
  if (grant.registry == 0) return detail::fail(r, SetupError::NoGrant);
  return role == ipc::Role::Producer ? detail::establish_producer(grant, spec)
                                     : detail::establish_consumer(grant, spec, timeout);
}

// The ChannelConfig of this component's channel `index`, whichever way it was set up.
[[nodiscard]] inline SetupResult channel_config(const Startup& startup, unsigned index) {
  SetupResult r;
  if (startup.magic != kStartupMagic || index >= startup.channel_count || index >= kMaxGrants)
    return detail::fail(r, SetupError::NoGrant);
  const ChannelGrant& grant = startup.channels[index];
  if (grant.mode == GrantMode::Centralized) {
    r.config = grant.config;
    r.ok = true;
    return r;
  }
  const ipc::ChannelConfig& c = grant.config;
  const ipc::RingSpec spec{c.kind, c.element_size, c.capacity, static_cast<std::uint8_t>(sizeof(ipc::DefaultIndex))};
  return establish_channel(grant, c.role, spec, startup.query_timeout);
}

} // namespace bramble::user::channel
