// What the hostile components (hostile_producer, hostile_consumer) and the root task's robustness
// scenarios share: the list of attacks, and a raw view of a ring's shared pages that ignores every rule
// the IPC library keeps. The attack a component runs is the startup page's `fault_after` field (for the
// demo producer that field means "fault after n messages"; for a hostile component it picks the
// attack), and `messages` is how many honest messages it exchanges before it attacks.
#pragma once

#include <cstddef>
#include <cstdint>

#include "bramble/ipc/layout.hpp"
#include "bramble/ipc/record_ring.hpp"
#include "user/protocol/message.hpp"

namespace bramble::components {

enum class Attack : std::uint64_t {
  None = 0,
  // Producer side: the tail and the record headers (what a producer may write).
  TailAhead = 1,       // tail more than the capacity ahead of the consumer's head
  TailBack = 2,        // tail moved backwards behind what the consumer already read
  RecordOverrun = 3,   // record header whose length runs past the published bytes
  RecordLength = 4,    // record header longer than kMaxPayload (the bytes published to match)
  RecordPadAtZero = 5, // a padding record at offset 0 (after a valid padding to the ring end)
  RecordFlags = 6,     // a record header with unknown flags
  RecordUnaligned = 7, // a published byte count that is not a multiple of the record alignment
  // Either side: page 0 is mapped read-only to both, so this write must fault and the kernel kill us.
  HeaderWrite = 8,
  // Consumer side: the head (the only word a consumer may write).
  HeadBack = 9,   // head moved backwards, more than the capacity behind
  HeadAhead = 10, // head past the producer's tail
};

[[nodiscard]] constexpr const char* attack_name(Attack a) {
  switch (a) {
  case Attack::None: return "none";
  case Attack::TailAhead: return "tail-ahead";
  case Attack::TailBack: return "tail-back";
  case Attack::RecordOverrun: return "record-overrun";
  case Attack::RecordLength: return "record-length";
  case Attack::RecordPadAtZero: return "record-pad-at-0";
  case Attack::RecordFlags: return "record-flags";
  case Attack::RecordUnaligned: return "record-unaligned";
  case Attack::HeaderWrite: return "header-write";
  case Attack::HeadBack: return "head-back";
  case Attack::HeadAhead: return "head-ahead";
  }
  return "?";
}

// Exit code of a hostile component whose attack did not do what it must (e.g. the header write did
// not fault): the root task fails the scenario on it.
inline constexpr int kExitAttackMisfired = 5;

using Index = ipc::DefaultIndex;

// The ring's shared pages as a hostile side sees them: raw pointers, nothing validated after the
// header, indices in the ring's own units (slots for an element ring, bytes for a record ring).
struct RawRing {
  // Page 0 (magic first). Mapped read-only: a store through this pointer must fault.
  ipc::SharedHeader* header;
  ipc::ProducerControl<Index>* producer;
  ipc::ConsumerControl<Index>* consumer;
  unsigned char* data;
  std::uint64_t capacity; // in units
  std::uint64_t unit;     // what an index moves by: 1 slot, or the record alignment
  bool record;
};

[[nodiscard]] inline RawRing raw_ring(const ipc::ChannelConfig& config) {
  const ipc::RingSpec spec = config.kind == ipc::RingKind::Element ? kElementSpec : kRecordSpec;
  const ipc::RingGeometry g = ipc::ring_geometry(spec);
  // Every part starts on a page boundary: going through void* says so to -Wcast-align.
  auto* base = reinterpret_cast<unsigned char*>(config.base);
  return RawRing{static_cast<ipc::SharedHeader*>(static_cast<void*>(base)),
                 static_cast<ipc::ProducerControl<Index>*>(static_cast<void*>(base + g.producer.offset)),
                 static_cast<ipc::ConsumerControl<Index>*>(static_cast<void*>(base + g.consumer.offset)),
                 base + g.data.offset,
                 spec.capacity,
                 config.kind == ipc::RingKind::Element ? 1u : ipc::kRecordAlign,
                 config.kind == ipc::RingKind::Record};
}

} // namespace bramble::components
