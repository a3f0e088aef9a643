// memory_split: every error it documents (TableFull is in exhaustion.cpp, with the other calls'),
// and the accounting: the parent is charged the split at once (and, in its object pages, the
// sub-quota's record); the child pays for its frames' blocks and for the object page their records
// live in (abi::record_charge), and nothing more. The split's capability is a child of the memory
// capability it was split through, so deleting or revoking that one takes back the sub-quota and
// everything made from it in one step. Nested splits are bounded by their parents: a chain of splits
// ends when its own budget is spent, and the root keeps splitting.
#include "tests/programs/syscall_errors/syscall_errors.hpp"

namespace syscall_errors {
namespace {

constexpr Word kPage = abi::kPageSize;
constexpr Word kSplitPages = 8;
constexpr Word kChainPages = 16;
constexpr abi::Rights kMemoryRights = abi::kRightControl | abi::kRightGrant | abi::kRightAudit;

[[nodiscard]] Word used_of(Word memory) { return sys::cap_info(memory).r3; }
[[nodiscard]] Word free_frames(const Env& env) { return sys::memory_info(env.root.memory).r2; }

void split_errors(const Env& env) {
  const Word memory = env.root.memory;
  const Word used = quota_used(env);
  CHECK_ERR(sys::memory_split(0, kPage), InvalidSlot);
  CHECK_ERR(sys::memory_split(env.beyond, kPage), InvalidSlot);
  CHECK_ERR(sys::memory_split(env.empty, kPage), EmptySlot);
  CHECK_ERR(sys::memory_split(env.ended, kPage), WrongType);
  CHECK_ERR(sys::memory_split(env.root.self, kPage), WrongType);
  const Word no_control = mint(memory, abi::kRightGrant | abi::kRightAudit, 0);
  CHECK_ERR(sys::memory_split(no_control, kPage), InsufficientRights);
  CHECK_OK(sys::cap_delete(no_control));
  CHECK_ERR(sys::memory_split(memory, 0), InvalidSize);
  CHECK_ERR(sys::memory_split(memory, kPage + 1), InvalidSize);
  CHECK_ERR(sys::memory_split(memory, 100), InvalidSize);
  // One page more than the quota has left (its limit minus what is in use, rounded up to a page).
  const SyscallResult info = sys::cap_info(memory);
  const Word available = info.r2 - info.r3;
  CHECK_ERR(sys::memory_split(memory, (available / kPage + 1) * kPage), QuotaExceeded);
  CHECK_ERR(sys::memory_split(memory, ~Word{0} & ~(kPage - 1)), QuotaExceeded);
  CHECK_EQ(quota_used(env), used); // nothing refused was charged
}

// A split of N pages: the parent is charged N pages at once; the child allocates frames until its
// pages are spent, one of them going to the object page its records live in; deleting the split's
// capability destroys the frames made from it and gives everything back.
void split_accounting(const Env& env) {
  const Word used = quota_used(env);
  const Word frames_free = free_frames(env);
  const Word child = CHECK_OK(sys::memory_split(env.root.memory, kSplitPages * kPage)).r1;
  if (child == 0) return;
  const Word used_after_split = quota_used(env);
  CHECK(used_after_split >= used + kSplitPages * kPage);
  CHECK(used_after_split <= used + kSplitPages * kPage + abi::record_charge(1)); // + the sub-quota's record
  const SyscallResult info = CHECK_OK(sys::cap_info(child));
  CHECK_EQ(sys::info_type(info), abi::CapType::Memory);
  CHECK_EQ(sys::info_rights(info), kMemoryRights);
  CHECK_EQ(info.r2, kSplitPages * kPage); // its limit
  CHECK_EQ(info.r3, 0);                   // nothing in use yet

  constexpr Word kFrames = kSplitPages - abi::record_charge(kSplitPages) / kPage; // 7 frames + 1 object page
  Word frames[kSplitPages] = {};
  Word made = 0;
  for (Word& f : frames) {
    const SyscallResult r = sys::memory_allocate(child, kPage);
    if (!r.ok()) {
      CHECK_EQ(r.status, static_cast<Word>(abi::Error::QuotaExceeded));
      break;
    }
    f = r.r1;
    ++made;
  }
  CHECK_EQ(made, kFrames);
  CHECK_EQ(used_of(child), kSplitPages * kPage);
  CHECK_ERR(sys::memory_allocate(child, kPage), QuotaExceeded); // its pages are spent
  CHECK_ERR(sys::memory_split(child, kPage), QuotaExceeded);
  const Word n = CHECK_OK(sys::notification_create(child)).r1; // a record: room left in its object page
  CHECK_EQ(used_of(child), kSplitPages * kPage);
  CHECK_EQ(free_frames(env), frames_free - kSplitPages); // 7 frames and 1 object page
  CHECK_EQ(quota_used(env), used_after_split);           // the child's use is inside its split

  CHECK_OK(sys::cap_delete(child)); // takes the frames and the notification made from it along
  for (Word i = 0; i < made; ++i)
    CHECK_ERR(sys::cap_info(frames[i]), EmptySlot);
  CHECK_ERR(sys::cap_info(n), EmptySlot);
  CHECK_EQ(quota_used(env), used);
  CHECK_EQ(free_frames(env), frames_free);

  // Frames first, then the capability: the split stays charged until its capability goes.
  const Word again = CHECK_OK(sys::memory_split(env.root.memory, 4 * kPage)).r1;
  const Word frame = CHECK_OK(sys::memory_allocate(again, 2 * kPage)).r1;
  CHECK_EQ(used_of(again), 2 * kPage + abi::record_charge(1));
  CHECK_OK(sys::cap_delete(frame));
  CHECK_EQ(used_of(again), 0); // the frame's block and its object page came back
  CHECK(quota_used(env) >= used + 4 * kPage);
  CHECK_OK(sys::cap_delete(again));
  CHECK_EQ(quota_used(env), used);
}

// A child of a child is bounded by its parent (which also holds its record); deleting the outer
// capability takes the inner quota and its frames along.
void split_nested(const Env& env) {
  const Word used = quota_used(env);
  const Word outer = CHECK_OK(sys::memory_split(env.root.memory, 8 * kPage)).r1;
  const Word inner = CHECK_OK(sys::memory_split(outer, 4 * kPage)).r1;
  CHECK_EQ(used_of(outer), 4 * kPage + abi::record_charge(1));
  CHECK_ERR(sys::memory_split(outer, 4 * kPage), QuotaExceeded); // 3 pages left
  CHECK_ERR(sys::memory_split(inner, 5 * kPage), QuotaExceeded); // more than the inner quota
  const Word a = CHECK_OK(sys::memory_allocate(inner, kPage)).r1;
  const Word b = CHECK_OK(sys::memory_allocate(inner, kPage)).r1;
  CHECK_EQ(used_of(inner), 2 * kPage + abi::record_charge(2));
  CHECK_ERR(sys::memory_allocate(inner, 2 * kPage), QuotaExceeded);
  CHECK_EQ(used_of(outer), 4 * kPage + abi::record_charge(1)); // the inner quota's use is inside its split

  // A sub-quota held with Control only may still split (Control is all it needs).
  const Word control_only = mint(outer, abi::kRightControl, 0);
  const Word third = CHECK_OK(sys::memory_split(control_only, kPage)).r1;
  CHECK_EQ(used_of(outer), 5 * kPage + abi::record_charge(2)); // its record shares the outer's page
  CHECK_OK(sys::cap_delete(third));
  CHECK_EQ(used_of(outer), 4 * kPage + abi::record_charge(1));
  CHECK_OK(sys::cap_delete(control_only));

  CHECK_OK(sys::cap_delete(outer)); // the inner quota and its frames go with it
  CHECK_ERR(sys::cap_info(inner), EmptySlot);
  CHECK_ERR(sys::cap_info(a), EmptySlot);
  CHECK_ERR(sys::cap_info(b), EmptySlot);
  CHECK_EQ(quota_used(env), used);
}

// The new capability is derived from the one it was split through: revoking that one's parent takes
// the split, the sub-quota and what was made from it back (a broker revoking a grant gets it all).
void split_derived(const Env& env) {
  const Word used = quota_used(env);
  const Word frames_free = free_frames(env);
  const Word copy = mint(env.root.memory, kMemoryRights, 0);
  const Word grandcopy = mint(copy, abi::kRightControl | abi::kRightAudit, 0);
  const Word sub = CHECK_OK(sys::memory_split(grandcopy, 4 * kPage)).r1;
  const Word deeper = CHECK_OK(sys::memory_split(sub, 2 * kPage)).r1;
  const Word frame = CHECK_OK(sys::memory_allocate(deeper, kPage)).r1;
  const Word n = CHECK_OK(sys::notification_create(sub)).r1;
  CHECK(sys::cap_revoke(copy).ok() && sys::cap_revoke(copy).r1 == 0); // the second revoke finds nothing
  const Word gone[] = {grandcopy, sub, deeper, frame, n};
  for (Word slot : gone)
    CHECK_ERR(sys::cap_info(slot), EmptySlot);
  CHECK_EQ(quota_used(env), used);
  CHECK_EQ(free_frames(env), frames_free);
  CHECK_OK(sys::cap_delete(copy));
}

// A chain of splits, each as large as its parent can still pay for: every level's record costs its
// parent an object page, so the chain ends by itself (QuotaExceeded) within its first split's budget,
// while the root keeps splitting; deleting the first level unwinds the whole chain.
void split_chain_bounded(const Env& env) {
  const Word used = quota_used(env);
  const Word first = CHECK_OK(sys::memory_split(env.root.memory, kChainPages * kPage)).r1;
  if (first == 0) return;
  Word current = first;
  Word levels = 1;
  Word refusal = abi::kSuccess;
  for (; levels <= kChainPages; ++levels) {
    const SyscallResult info = sys::cap_info(current);
    const Word left = info.r2 - info.r3;
    const Word ask = left > abi::record_charge(1) ? left - abi::record_charge(1) : kPage;
    const SyscallResult next = sys::memory_split(current, ask);
    if (!next.ok()) {
      refusal = next.status;
      break;
    }
    current = next.r1;
  }
  bramble::user::print("syscall_errors: a memory_split chain within %llu pages ended after %llu levels\n",
                       static_cast<unsigned long long>(kChainPages), static_cast<unsigned long long>(levels));
  CHECK_EQ(refusal, static_cast<Word>(abi::Error::QuotaExceeded));
  CHECK(levels > 1 && levels <= kChainPages);
  const Word other = CHECK_OK(sys::memory_split(env.root.memory, kPage)).r1; // nothing kernel-wide ran out
  CHECK_OK(sys::cap_delete(other));
  CHECK_OK(sys::cap_delete(first)); // the whole chain goes with its first level
  CHECK_ERR(sys::cap_info(current), EmptySlot);
  CHECK_EQ(quota_used(env), used);
}

} // namespace

void test_memory_split(const Env& env) {
  check::section("memory_split");
  split_errors(env);
  split_accounting(env);
  split_nested(env);
  split_derived(env);
  split_chain_bounded(env);
}

} // namespace syscall_errors
