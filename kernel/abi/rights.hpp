// Capability types, rights, badges and map permissions: the vocabulary user space and the kernel
// share to talk about capabilities.
//
// User-space header: plain C++, no kernel includes, only <cstdint>.
#pragma once

#include <cstdint>

namespace bramble::abi {

// Page size of every user mapping (4 KiB granule, ARM ARM D8.2 "Translation granule").
inline constexpr std::uint64_t kPageSize = 4096;

// The channel window of every user address space: memory_map places frames here as Normal,
// never-executable memory at the same address in every space, so rings shared across spaces keep
// their ordering. mm/address_space.hpp (which the kernel enforces) and ipc/config.hpp (where
// components look for a channel) cannot include this header; kernel/object/frame.cpp and
// broker/channel_broker.hpp check at compile time that they agree with it.
inline constexpr std::uint64_t kChannelWindowBase = 0x9000'0000;
inline constexpr std::uint64_t kChannelWindowSize = 0x1000'0000; // 256 MiB

// Slot 0 of every capability table is the null slot: it never holds a capability and cannot be
// written, so 0 can mean "no capability" in optional arguments. Usable slots are 1 .. size-1.
inline constexpr std::uint64_t kNullSlot = 0;

// What a capability refers to. Values are ABI (cap_info reports them).
enum class CapType : std::uint8_t {
  Null = 0,          // an empty slot
  Memory = 1,        // a memory quota ("untyped"): bytes a holder may allocate frames and objects from
  Frame = 2,         // physically contiguous, page-aligned memory that can be mapped
  Task = 3,          // a task: start it, map into it, put capabilities into its table
  Notification = 4,  // a word of bits to signal and wait on
  ShmemRegistry = 5, // the kernel's shared-memory registry, restricted by a badge
  TaskCreate = 6,    // the authority to create tasks
  IrqControl = 7,    // reserved for the interrupt issue: authority to make IrqHandler capabilities
  IrqHandler = 8,    // reserved for the interrupt issue: one interrupt line
};
inline constexpr std::uint8_t kCapTypeCount = 9;

// Rights: one bitset for every type; each type uses the bits listed in kValidRights and a mint or
// insert that names another bit fails with InvalidRights. A derived capability never has a right
// its source lacks (InsufficientRights).
using Rights = std::uint32_t;
inline constexpr Rights kRightRead = 1u << 0;    // Frame: map readable.  ShmemRegistry: shmem_query.
inline constexpr Rights kRightWrite = 1u << 1;   // Frame: map writable.  ShmemRegistry: shmem_register.
inline constexpr Rights kRightExecute = 1u << 2; // Frame: map executable.
inline constexpr Rights kRightSignal = 1u << 3;  // Notification: signal.
inline constexpr Rights kRightWait = 1u << 4;    // Notification: wait and poll.
inline constexpr Rights kRightGrant = 1u << 5;   // any type: may be given away (cap_insert_into,
                                                 // shmem_register publishes frame and notification).
inline constexpr Rights kRightAudit = 1u << 6;   // Frame, Task, Memory: cap_info reports the facts
                                                 // (physical address, size, quota use).
inline constexpr Rights kRightControl = 1u << 7; // Memory: allocate from it.  Task: start it, map
                                                 // into it, insert capabilities.  TaskCreate, IrqControl,
                                                 // IrqHandler: use the authority.
inline constexpr Rights kAllRightBits = (1u << 8) - 1;

// The rights each type uses; a new object's first capability carries all of them.
[[nodiscard]] constexpr Rights valid_rights(CapType type) {
  switch (type) {
  case CapType::Null: return 0;
  case CapType::Memory: return kRightControl | kRightGrant | kRightAudit;
  case CapType::Frame: return kRightRead | kRightWrite | kRightExecute | kRightGrant | kRightAudit;
  case CapType::Task: return kRightControl | kRightGrant | kRightAudit;
  case CapType::Notification: return kRightSignal | kRightWait | kRightGrant;
  case CapType::ShmemRegistry: return kRightRead | kRightWrite | kRightGrant;
  case CapType::TaskCreate:
  case CapType::IrqControl:
  case CapType::IrqHandler: return kRightControl | kRightGrant;
  }
  return 0;
}

[[nodiscard]] constexpr bool rights_subset(Rights inner, Rights outer) { return (inner & ~outer) == 0; }

// Badges: 64 bits carried by a capability; 0 means unbadged. Only Notification and ShmemRegistry
// capabilities carry badges; a badge can be set once (by cap_mint or cap_insert_into on an unbadged
// capability) and is inherited by every capability derived after that.
using Badge = std::uint64_t;
inline constexpr Badge kNoBadge = 0;

[[nodiscard]] constexpr bool type_has_badge(CapType type) {
  return type == CapType::Notification || type == CapType::ShmemRegistry;
}

// Notification badges: signal ORs the signalling capability's badge into the notification word;
// through an unbadged capability it ORs kUnbadgedSignalBits, so a waiter always wakes with a
// non-zero word.
inline constexpr std::uint64_t kUnbadgedSignalBits = 1;

// Shared-memory registry badges name the block of names a holder may register and query. Names are
// 64-bit numbers; a badge is `prefix | bits` where `bits` (low 8 bits, 1..56) says how many of the
// name's top bits must equal the prefix's top bits, and the prefix's low 8 bits are zero. An
// unbadged registry capability (the broker's) covers every name. Example: registry_badge(0xAB << 56,
// 8) lets its holder use every name whose top byte is 0xAB.
inline constexpr std::uint64_t kRegistryPrefixBitsMask = 0xff;
inline constexpr std::uint64_t kRegistryMaxPrefixBits = 56;

[[nodiscard]] constexpr bool registry_badge_valid(Badge badge) {
  const std::uint64_t bits = badge & kRegistryPrefixBitsMask;
  if (bits == 0 || bits > kRegistryMaxPrefixBits) return false;
  const std::uint64_t prefix = badge & ~kRegistryPrefixBitsMask;
  const std::uint64_t free_mask = (std::uint64_t{1} << (64 - bits)) - 1; // bits below the prefix
  return (prefix & free_mask) == 0;
}

// The badge for names whose top `bits` bits equal those of `prefix` (bits below must be zero).
[[nodiscard]] constexpr Badge registry_badge(std::uint64_t prefix, std::uint64_t bits) { return prefix | bits; }

[[nodiscard]] constexpr bool registry_name_permitted(Badge badge, std::uint64_t name) {
  if (badge == kNoBadge) return true;
  if (!registry_badge_valid(badge)) return false;
  const std::uint64_t shift = 64 - (badge & kRegistryPrefixBitsMask);
  return (name >> shift) == (badge >> shift);
}

// Map permissions (memory_map, memory_map_into). Read is required (AArch64 stage-1 access
// permissions cannot express write-only, ARM ARM D8.4.1 "Data access permissions"); Write together
// with Execute is refused (W^X). Each bit must also be a right of the frame capability.
using MapPerms = std::uint64_t;
inline constexpr MapPerms kMapRead = 1u << 0;
inline constexpr MapPerms kMapWrite = 1u << 1;
inline constexpr MapPerms kMapExecute = 1u << 2;
inline constexpr MapPerms kMapAllBits = kMapRead | kMapWrite | kMapExecute;

[[nodiscard]] constexpr bool map_perms_valid(MapPerms perms) {
  if ((perms & ~kMapAllBits) != 0) return false;
  if ((perms & kMapRead) == 0) return false;
  return (perms & (kMapWrite | kMapExecute)) != (kMapWrite | kMapExecute);
}

// The frame rights a mapping with these permissions needs.
[[nodiscard]] constexpr Rights rights_for_map(MapPerms perms) {
  Rights needed = 0;
  if ((perms & kMapRead) != 0) needed |= kRightRead;
  if ((perms & kMapWrite) != 0) needed |= kRightWrite;
  if ((perms & kMapExecute) != 0) needed |= kRightExecute;
  return needed;
}

} // namespace bramble::abi
