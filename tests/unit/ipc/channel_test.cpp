// ChannelConfig and the one-call open of either end.
#include <doctest/doctest.h>

#include <cstdint>
#include <utility>

#include "bramble/ipc/channel.hpp"
#include "test_memory.hpp"

using namespace bramble::ipc;
using bramble::ipc::test::Mapping;

namespace {
struct Sample {
  std::uint32_t id;
  std::uint32_t value;
};
using Ring = SpscRing<Sample, 16>;
} // namespace

TEST_CASE("channel default base is the fixed channel window") {
  CHECK(kChannelWindowBase == 0x9000'0000u);
  ChannelConfig c;
  CHECK(c.base == kChannelWindowBase);
  const ChannelConfig p = channel_config_for<Ring>(Role::Producer);
  CHECK(p.base == 0x9000'0000u);
  CHECK(p.size == Ring::kBytes);
  CHECK(p.element_size == sizeof(Sample));
  CHECK(p.capacity == 16);
}

TEST_CASE("channel opens both ends from configs and moves data") {
  Mapping m(Ring::kBytes);
  REQUIRE(Ring::format(m.base(), m.size()).ok());
  const auto base = reinterpret_cast<std::uintptr_t>(m.base());
  auto tx = open_producer<Sample, 16>(channel_config_for<Ring>(Role::Producer, base));
  auto rx = open_consumer<Sample, 16>(channel_config_for<Ring>(Role::Consumer, base));
  REQUIRE(tx.ok());
  REQUIRE(rx.ok());
  REQUIRE(tx->try_push(Sample{1, 99}).ok());
  auto s = rx->try_pop();
  REQUIRE(s.ok());
  CHECK(s->id == 1);
  CHECK(s->value == 99);
}

TEST_CASE("channel refuses a config for another end, kind or shape") {
  Mapping m(Ring::kBytes);
  REQUIRE(Ring::format(m.base(), m.size()).ok());
  const auto base = reinterpret_cast<std::uintptr_t>(m.base());
  ChannelConfig c = channel_config_for<Ring>(Role::Consumer, base);
  CHECK(open_producer<Sample, 16>(c).error() == Error::WrongRole);
  c.role = Role::Producer;
  CHECK(open_producer<Sample, 32>(c).error() == Error::WrongRole);
  CHECK(open_producer<std::uint32_t, 16>(c).error() == Error::WrongRole); // another element size
  CHECK(open_record_producer<1024>(c).error() == Error::WrongRole);
  // A config that matches the type but not the memory is caught by the header.
  ChannelConfig short_map = c;
  short_map.size = kPageSize;
  CHECK(open_producer<Sample, 16>(short_map).error() == Error::MappingTooSmall);
  ChannelConfig wrong_base = c;
  wrong_base.base = base + 64;
  CHECK(open_producer<Sample, 16>(wrong_base).error() == Error::Misaligned);
}

TEST_CASE("channel opens record rings") {
  using Rec = RecordRing<4096>;
  Mapping m(Rec::kBytes);
  REQUIRE(Rec::format(m.base(), m.size()).ok());
  const auto base = reinterpret_cast<std::uintptr_t>(m.base());
  auto tx = open_record_producer<4096>(channel_config_for<Rec>(Role::Producer, base));
  auto rx = open_record_consumer<4096>(channel_config_for<Rec>(Role::Consumer, base));
  REQUIRE(tx.ok());
  REQUIRE(rx.ok());
  const std::byte msg[3] = {std::byte{1}, std::byte{2}, std::byte{3}};
  REQUIRE(tx->try_push(msg).ok());
  std::byte out[8];
  CHECK(rx->try_pop(out).value() == 3);
  CHECK(out[2] == std::byte{3});
}
