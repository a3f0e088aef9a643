// establish_channel_centralized: the calls it makes, in order, and what each side ends up with.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "test_system.hpp"

using namespace bramble;
using namespace bramble::broker;
using namespace bramble::broker::test;

TEST_CASE("centralized: the kernel calls come in the documented order") {
  System s;
  auto ch = s.broker.establish_channel_centralized(kSrc, kSink, kSpec);
  REQUIRE(ch.ok());
  std::vector<std::string> names;
  for (const auto& c : s.kernel.calls)
    names.push_back(c.name);
  std::vector<std::string> want = {"memory_allocate", "memory_allocate", "memory_allocate", "memory_allocate",
                                   "memory_map"};
  for (int i = 0; i < 8; ++i) {
    want.push_back("cap_mint");
    want.push_back("memory_map_into");
  }
  for (const char* n : {"notification_create", "notification_create", "cap_insert_into", "cap_insert_into",
                        "cap_insert_into", "cap_insert_into"})
    want.push_back(n);
  CHECK(names == want);
  CHECK(names.size() == kSetupCalls);
  // Sizes follow the IPC layout: three pages, then the data rounded to pages.
  CHECK(s.kernel.calls[0].a == 4096);
  CHECK(s.kernel.calls[3].a == ipc::ring_geometry(kSpec).data.size);
  CHECK(s.kernel.calls[4].b == kWindowBase); // the broker's own header mapping
  CHECK(s.kernel.calls[4].c == (abi::kMapRead | abi::kMapWrite));
}

TEST_CASE("centralized: each side is writable exactly where it writes, through a capability that says so") {
  System s;
  auto ch = s.broker.establish_channel_centralized(kSrc, kSink, kSpec);
  REQUIRE(ch.ok());
  const ipc::RingGeometry g = ipc::ring_geometry(kSpec);
  const std::uint64_t offsets[4] = {g.header.offset, g.producer.offset, g.consumer.offset, g.data.offset};
  const abi::MapPerms rw = abi::kMapRead | abi::kMapWrite;
  const abi::MapPerms want[2][4] = {{abi::kMapRead, rw, abi::kMapRead, rw},
                                    {abi::kMapRead, abi::kMapRead, rw, abi::kMapRead}};
  const std::size_t party[2] = {kSrc, kSink};
  for (int side = 0; side < 2; ++side) {
    for (int p = 0; p < 4; ++p) {
      CAPTURE(side);
      CAPTURE(p);
      const Cap* m = s.kernel.mapping(s.tid(party[side]), kWindowBase + offsets[p]);
      REQUIRE(m != nullptr);
      CHECK(m->map_perms == want[side][p]);
      // The capability carries no more than the mapping: no Write on RO parts, never Grant or Execute.
      CHECK(m->rights == abi::rights_for_map(want[side][p]));
      CHECK(m->table == 0); // the broker keeps it: the component cannot unmap or pass it on
    }
  }
  // Both sides map the same four frames.
  for (int p = 0; p < 4; ++p) {
    CHECK(s.kernel.mapping(s.tid(kSrc), kWindowBase + offsets[p])->object ==
          s.kernel.mapping(s.tid(kSink), kWindowBase + offsets[p])->object);
  }
  CHECK(s.kernel.mappings() == 9); // 8 in the components + the broker's header page
}

TEST_CASE("centralized: one notification per direction, Signal to the sender and Wait to the receiver") {
  System s;
  auto ch = s.broker.establish_channel_centralized(kSrc, kSink, kSpec);
  REQUIRE(ch.ok());
  const ipc::ChannelConfig& p = ch->producer;
  const ipc::ChannelConfig& c = ch->consumer;
  const Cap* p_signal = s.kernel.cap_at(s.tid(kSrc), p.signal_handle);
  const Cap* p_wait = s.kernel.cap_at(s.tid(kSrc), p.wait_handle);
  const Cap* c_signal = s.kernel.cap_at(s.tid(kSink), c.signal_handle);
  const Cap* c_wait = s.kernel.cap_at(s.tid(kSink), c.wait_handle);
  REQUIRE(p_signal != nullptr);
  REQUIRE(p_wait != nullptr);
  REQUIRE(c_signal != nullptr);
  REQUIRE(c_wait != nullptr);
  CHECK(p_signal->rights == abi::kRightSignal);
  CHECK(p_wait->rights == abi::kRightWait);
  CHECK(c_signal->rights == abi::kRightSignal);
  CHECK(c_wait->rights == abi::kRightWait);
  CHECK(p_signal->object == c_wait->object); // "to consumer"
  CHECK(c_signal->object == p_wait->object); // "to producer"
  CHECK(p_signal->object != p_wait->object);
  CHECK(s.kernel.live_notifications() == 2);
}

TEST_CASE("centralized: the configs describe the ring the broker wrote, and open with the IPC library") {
  System s;
  auto ch = s.broker.establish_channel_centralized(kSrc, kSink, kSpec);
  REQUIRE(ch.ok());
  CHECK(ch->producer.base == kWindowBase);
  CHECK(ch->consumer.base == kWindowBase);
  CHECK(ch->producer.role == ipc::Role::Producer);
  CHECK(ch->consumer.role == ipc::Role::Consumer);
  CHECK(ch->producer.size == Ring::kBytes);
  CHECK(ch->producer.capacity == 256);
  CHECK(ch->producer.element_size == sizeof(Sample));
  // The header the broker wrote validates against what the components expect.
  const void* header = s.kernel.local(kWindowBase);
  REQUIRE(header != nullptr);
  CHECK(ipc::validate_header(header, Ring::kBytes, Ring::kSpec).ok());
  CHECK_FALSE(ipc::is_closed(header));
  CHECK(ipc::validate_header(header, Ring::kBytes, ipc::SpscRing<Sample, 128>::kSpec).error() ==
        ipc::Error::BadCapacity);
}

TEST_CASE("centralized: a component's second channel goes one window stride further") {
  System s;
  auto first = s.broker.establish_channel_centralized(kSrc, kSink, kSpec);
  auto second = s.broker.establish_channel_centralized(kSrc, kOther, kSpec);
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(first->producer.base == window_base(0));
  CHECK(second->producer.base == window_base(1));
  CHECK(second->producer.base == 0x9080'0000u);
  CHECK(second->consumer.base == window_base(0)); // "other" has no channel before this one
  CHECK(second->id != first->id);
  // Slots in the producer's table do not collide.
  CHECK(second->producer.signal_handle != first->producer.signal_handle);
  CHECK(second->producer.signal_handle != first->producer.wait_handle);
  CHECK(kMaxWindows == 32);
  CHECK(window_base(kMaxWindows - 1) + kWindowStride == 0xA000'0000u);
}

TEST_CASE("centralized: the largest ring fits one window stride") {
  const ipc::RingSpec biggest{ipc::RingKind::Record, 1, 4u << 20, 8};
  CHECK(ipc::ring_geometry(biggest).total_size <= kWindowStride);
}
