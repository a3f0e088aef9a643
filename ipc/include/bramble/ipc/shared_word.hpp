// How the ring reads and writes the words it shares with its peer (the two indices, the two sleep
// words, the channel-state word), chosen at compile time per index type:
//
//   IndexAccess::Atomic     std::atomic<I>, where it is always lock-free (x86-64, AArch64, ARMv7-M,
//                           ARMv8-M, AArch32 A-profile): the compiler emits plain loads/stores plus the
//                           barriers each memory order needs, never a library call.
//   IndexAccess::PlainWord  an aligned 32-bit word read and written with single LDR/STR and explicit
//                           DMBs, for Arm cores without read-modify-write atomics (ARMv6-M: Cortex-M0,
//                           M0+, the RP2040). There libstdc++ reports std::atomic<uint32_t> as not
//                           always lock-free because it has no LDREX/STREX, yet the ring never needs
//                           a read-modify-write: every shared word has exactly one writer.
//   IndexAccess::None       no policy: RingIndex<I> is false and the ring does not compile for I.
//
// Why PlainWord is enough (the ring only ever loads and stores whole words, one writer per word):
//   - Single-copy atomicity: a word-aligned word access is single-copy atomic (ARMv6-M ARM and ARMv7-M
//     ARM A3.5.3 "Atomicity in the ARM architecture"; the ARMv8-M ARM memory model's "Single-copy
//     atomicity" rules say the same), so a peer never sees a torn index.
//     `volatile` makes the compiler emit exactly one LDR or STR per access (no splitting, no caching in
//     a register across a polling loop), and alignas keeps the word aligned.
//   - Ordering: Normal memory may be observed out of program order by another observer (ARMv6-M ARM
//     A3.7 "Memory access order"); DMB orders every explicit access before it against every one after
//     it, loads and stores alike (ARMv6-M ARM A3.7.3 "Memory barriers" and A6.7.21 DMB; ARMv7-M ARM
//     A3.7.3 and A7.7.33 DMB; ARMv8-M ARM "Memory barriers" and the DMB instruction page). M-profile
//     defines only the SY option, so we write `dmb sy`.
//     So: acquire = LDR then DMB; release = DMB then STR; seq_cst adds the other DMB; the Dekker fence
//     of wake.hpp is a DMB, a full barrier (store->load included), as the model assumes.
//   - The "memory" clobber on each DMB is also a compiler barrier: the slot copies (plain memcpy) are
//     not moved across a publication by the compiler either.
// On a single core (producer in an interrupt, consumer in thread mode) the DMBs cost a few cycles and
// are not what makes it correct (exception entry and return keep program order for the core itself);
// they are what makes the same code correct between the two cores of an RP2040.
#pragma once

#include <atomic>
#include <cstdint>
#include <type_traits>

namespace bramble::ipc {

enum class IndexAccess : std::uint8_t { None, Atomic, PlainWord };

// Targets where aligned word LDR/STR plus DMB implement load/store with any memory order: AArch32 from
// ARMv6-M and ARMv7 on (both have DMB). ARMv6 A-profile (ARM11) has LDREX, so it takes the atomic path.
#if defined(__arm__) && !defined(__aarch64__) && (defined(__ARM_ARCH_6M__) || (defined(__ARM_ARCH) && __ARM_ARCH >= 7))
inline constexpr bool kPlainWordTarget = true;
#else
inline constexpr bool kPlainWordTarget = false;
#endif

template <typename I>
inline constexpr IndexAccess kIndexAccess = std::atomic<I>::is_always_lock_free ? IndexAccess::Atomic
                                            : (kPlainWordTarget && sizeof(I) == 4 && std::is_unsigned_v<I>)
                                                ? IndexAccess::PlainWord
                                                : IndexAccess::None;

// The barrier both policies use for the store->load (Dekker) fence of the notify-on-need protocol: a
// full barrier on every target. M-profile: `dmb sy` written out, so it never depends on how a compiler
// lowers atomic_thread_fence for a core without atomics (some emit a __sync_synchronize call there).
// Elsewhere the seq_cst fence is DMB ISH (AArch64, ARMv7-A) or MFENCE / a locked OR (x86-64).
// GCC 12 warns that ThreadSanitizer does not model atomic_thread_fence; wake.hpp explains why that is
// acceptable for this one fence.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wtsan"
#endif
inline void full_fence() {
#if defined(__arm__) && defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'
  __asm__ volatile("dmb sy" ::: "memory");
#else
  std::atomic_thread_fence(std::memory_order_seq_cst);
#endif
}
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic pop
#endif

// An aligned word with single-writer load/store semantics, for IndexAccess::PlainWord (see above).
// Same object representation as the bare integer, so the shared layout does not depend on the policy.
template <typename I> class PlainWord {
public:
  PlainWord() = default;
  constexpr explicit PlainWord(I v) : word_(v) {}
  PlainWord(const PlainWord&) = delete;
  PlainWord& operator=(const PlainWord&) = delete;

  [[nodiscard]] I load(std::memory_order order = std::memory_order_seq_cst) const {
    if (order == std::memory_order_seq_cst) barrier();
    const I v = word_;                                 // one LDR
    if (order != std::memory_order_relaxed) barrier(); // acquire: nothing later moves before the load
    return v;
  }
  void store(I v, std::memory_order order = std::memory_order_seq_cst) {
    if (order != std::memory_order_relaxed) barrier(); // release: nothing earlier moves after the store
    word_ = v;                                         // one STR
    if (order == std::memory_order_seq_cst) barrier();
  }
  static constexpr bool is_always_lock_free = true; // no lock and no library call, by construction

private:
  static void barrier() { full_fence(); }
  alignas(sizeof(I)) volatile I word_;
};

// The type of a shared word holding an I under this target's policy.
template <typename I>
using SharedWord = std::conditional_t<kIndexAccess<I> == IndexAccess::PlainWord, PlainWord<I>, std::atomic<I>>;

static_assert(sizeof(PlainWord<std::uint32_t>) == 4 && alignof(PlainWord<std::uint32_t>) == 4);

} // namespace bramble::ipc
