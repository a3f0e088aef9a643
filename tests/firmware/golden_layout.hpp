// One golden description of the shared ring layout, checked at compile time on every target
// (firmware.layout.<target>, and the link tests) and against a dump of a real ring on the host
// (unit.ipc "golden"). Written out by hand from the layout's definition, not computed by the code it
// checks: if a compiler on some architecture placed a field elsewhere, padded differently, or the
// code changed the header, this fails to compile there.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

#include "bramble/ipc/layout.hpp"

namespace bramble::ipc::golden {

// Field offsets and sizes of SharedHeader (layout version 2).
struct Field {
  std::size_t offset;
  std::size_t size;
};
inline constexpr Field kMagic{0, 4}, kVersion{4, 2}, kKind{6, 1}, kIndexWidth{7, 1}, kElementSize{8, 4},
    kGranule{12, 4}, kCapacity{16, 8}, kProducerOffset{24, 8}, kConsumerOffset{32, 8}, kDataOffset{40, 8},
    kDataSize{48, 8}, kTotalSize{56, 8};

#define BRAMBLE_GOLDEN_FIELD(member, f)                                                                                \
  static_assert(offsetof(SharedHeader, member) == (f).offset && sizeof(SharedHeader::member) == (f).size,              \
                "SharedHeader::" #member " is not where the golden layout puts it")
BRAMBLE_GOLDEN_FIELD(magic, kMagic);
BRAMBLE_GOLDEN_FIELD(version, kVersion);
BRAMBLE_GOLDEN_FIELD(kind, kKind);
BRAMBLE_GOLDEN_FIELD(index_width, kIndexWidth);
BRAMBLE_GOLDEN_FIELD(element_size, kElementSize);
BRAMBLE_GOLDEN_FIELD(granule, kGranule);
BRAMBLE_GOLDEN_FIELD(capacity, kCapacity);
BRAMBLE_GOLDEN_FIELD(producer_offset, kProducerOffset);
BRAMBLE_GOLDEN_FIELD(consumer_offset, kConsumerOffset);
BRAMBLE_GOLDEN_FIELD(data_offset, kDataOffset);
BRAMBLE_GOLDEN_FIELD(data_size, kDataSize);
BRAMBLE_GOLDEN_FIELD(total_size, kTotalSize);
#undef BRAMBLE_GOLDEN_FIELD
static_assert(sizeof(SharedHeader) == 64 && kChannelStateOffset == 64);

// Control parts: the index at +0 and the sleep word at +64 of each part, both of the index's width.
static_assert(offsetof(ProducerControl<std::uint32_t>, tail) == 0 &&
              offsetof(ProducerControl<std::uint32_t>, sleep_seq) == 64);
static_assert(offsetof(ConsumerControl<std::uint32_t>, head) == 0 &&
              offsetof(ConsumerControl<std::uint32_t>, sleep_seq) == 64);
static_assert(sizeof(ProducerControl<std::uint32_t>) == 128 && sizeof(SharedWord<std::uint32_t>) == 4);

using HeaderBytes = std::array<unsigned char, 64>;

// SpscRing<std::uint32_t, 64, std::uint32_t, Granule::Line>: the firmware examples' compact ring.
inline constexpr RingSpec kCompactSpec{RingKind::Element, 4, 64, 4, Granule::Line};
inline constexpr HeaderBytes kCompactHeader = {
    0x42, 0x52, 0x49, 0x50, 0x02, 0x00, 0x01, 0x04, // magic "BRIP", version 2, element ring, 4-byte index
    0x04, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, // element size 4, granule 64
    0x40, 0,    0,    0,    0,    0,    0,    0,    // capacity 64
    0x80, 0,    0,    0,    0,    0,    0,    0,    // producer part at 128
    0x00, 0x01, 0,    0,    0,    0,    0,    0,    // consumer part at 256
    0x80, 0x01, 0,    0,    0,    0,    0,    0,    // data at 384
    0x00, 0x01, 0,    0,    0,    0,    0,    0,    // 256 data bytes
    0x80, 0x02, 0,    0,    0,    0,    0,    0,    // 640 bytes in all
};

// RecordRing<4096, std::uint64_t, Granule::Page>: a kernel channel's record ring (64-bit index).
inline constexpr RingSpec kPageRecordSpec{RingKind::Record, 1, 4096, 8, Granule::Page};
inline constexpr HeaderBytes kPageRecordHeader = {
    0x42, 0x52, 0x49, 0x50, 0x02, 0x00, 0x02, 0x08, // magic, version 2, record ring, 8-byte index
    0x01, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, // element size 1, granule 4096
    0x00, 0x10, 0,    0,    0,    0,    0,    0,    // capacity 4096 bytes
    0x00, 0x10, 0,    0,    0,    0,    0,    0,    // producer page at 4096
    0x00, 0x20, 0,    0,    0,    0,    0,    0,    // consumer page at 8192
    0x00, 0x30, 0,    0,    0,    0,    0,    0,    // data at 12288
    0x00, 0x10, 0,    0,    0,    0,    0,    0,    // 4096 data bytes
    0x00, 0x40, 0,    0,    0,    0,    0,    0,    // 16384 bytes in all
};

static_assert(std::bit_cast<HeaderBytes>(make_header(kCompactSpec)) == kCompactHeader,
              "the compact ring's header bytes differ from the golden layout on this target");
static_assert(std::bit_cast<HeaderBytes>(make_header(kPageRecordSpec)) == kPageRecordHeader,
              "the page record ring's header bytes differ from the golden layout on this target");
static_assert(ring_geometry(kCompactSpec).total_size == 640 && ring_geometry(kPageRecordSpec).total_size == 16384);

} // namespace bramble::ipc::golden
