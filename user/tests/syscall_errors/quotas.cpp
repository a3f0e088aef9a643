// memory_split: every error it documents (TableFull is in exhaustion.cpp, with the other calls'),
// and the accounting: the parent is charged the split at once, the child allocates exactly its bytes,
// and the bytes (and the frames, in memory_info) come back only once the child's capability and its
// last frame are both gone. Nested splits are bounded by their parent; a chain of splits fills the
// kernel's pool of quota objects (OutOfMemory) and unwinds in one deletion.
#include "user/tests/syscall_errors/syscall_errors.hpp"

namespace syscall_errors {
namespace {

constexpr Word kPage = abi::kPageSize;
constexpr Word kSplitPages = 8;
constexpr Word kMaxChain = 1024; // far above the kernel's pool: the loop ends on OutOfMemory
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

// A split of N pages: the parent is charged N pages at once; the child allocates N pages and no more;
// deleting the child's capability first keeps the parent charged until its last frame goes.
void split_accounting(const Env& env) {
  const Word used = quota_used(env);
  const Word frames_free = free_frames(env);
  const Word child = CHECK_OK(sys::memory_split(env.root.memory, kSplitPages * kPage)).r1;
  if (child == 0) return;
  CHECK_EQ(quota_used(env), used + kSplitPages * kPage);
  CHECK_EQ(free_frames(env), frames_free); // a split moves budget, it takes no frames
  const SyscallResult info = CHECK_OK(sys::cap_info(child));
  CHECK_EQ(sys::info_type(info), abi::CapType::Memory);
  CHECK_EQ(sys::info_rights(info), kMemoryRights);
  CHECK_EQ(info.r2, kSplitPages * kPage); // its limit
  CHECK_EQ(info.r3, 0);                   // nothing in use yet

  Word frames[kSplitPages] = {};
  bool all_made = true;
  for (Word& f : frames) {
    const SyscallResult made = sys::memory_allocate(child, kPage);
    all_made = all_made && made.ok();
    f = made.r1;
  }
  CHECK(all_made);
  CHECK_EQ(used_of(child), kSplitPages * kPage);
  CHECK_ERR(sys::memory_allocate(child, kPage), QuotaExceeded); // exactly N pages, no more
  CHECK_ERR(sys::notification_create(child), QuotaExceeded);
  CHECK_ERR(sys::memory_split(child, kPage), QuotaExceeded);
  CHECK_EQ(free_frames(env), frames_free - kSplitPages);
  CHECK_EQ(quota_used(env), used + kSplitPages * kPage); // the child's use is inside its split

  CHECK_OK(sys::cap_delete(child)); // the capability goes, the frames live: still charged
  CHECK_EQ(quota_used(env), used + kSplitPages * kPage);
  for (Word i = 0; i + 1 < kSplitPages; ++i) CHECK_OK(sys::cap_delete(frames[i]));
  CHECK_EQ(quota_used(env), used + kSplitPages * kPage); // one frame still owes the child
  CHECK_OK(sys::cap_delete(frames[kSplitPages - 1]));
  CHECK_EQ(quota_used(env), used);
  CHECK_EQ(free_frames(env), frames_free);

  // The other order: frames first, then the capability.
  const Word again = CHECK_OK(sys::memory_split(env.root.memory, 2 * kPage)).r1;
  const Word frame = CHECK_OK(sys::memory_allocate(again, 2 * kPage)).r1;
  CHECK_OK(sys::cap_delete(frame));
  CHECK_EQ(quota_used(env), used + 2 * kPage); // the capability still names it
  CHECK_OK(sys::cap_delete(again));
  CHECK_EQ(quota_used(env), used);
}

// A child of a child is bounded by its parent, and reclaiming it can complete its parent's reclaim.
void split_nested(const Env& env) {
  const Word used = quota_used(env);
  const Word outer = CHECK_OK(sys::memory_split(env.root.memory, 4 * kPage)).r1;
  const Word inner = CHECK_OK(sys::memory_split(outer, 2 * kPage)).r1;
  CHECK_EQ(used_of(outer), 2 * kPage);
  CHECK_ERR(sys::memory_split(outer, 3 * kPage), QuotaExceeded); // 2 pages left
  CHECK_ERR(sys::memory_split(inner, 3 * kPage), QuotaExceeded); // more than the inner quota
  const Word a = CHECK_OK(sys::memory_allocate(inner, kPage)).r1;
  const Word b = CHECK_OK(sys::memory_allocate(inner, kPage)).r1;
  CHECK_ERR(sys::memory_allocate(inner, kPage), QuotaExceeded);
  CHECK_EQ(used_of(outer), 2 * kPage); // the inner quota's frames are inside its split
  CHECK_EQ(quota_used(env), used + 4 * kPage);

  // A sub-quota held with Control only may still split (Control is all it needs).
  const Word control_only = mint(outer, abi::kRightControl, 0);
  const Word third = CHECK_OK(sys::memory_split(control_only, kPage)).r1;
  CHECK_EQ(used_of(outer), 3 * kPage);
  CHECK_OK(sys::cap_delete(third));
  CHECK_EQ(used_of(outer), 2 * kPage);
  CHECK_OK(sys::cap_delete(control_only));

  CHECK_OK(sys::cap_delete(outer)); // detached; its inner quota still holds 2 pages of it
  CHECK_OK(sys::cap_delete(inner)); // detached; its frames still hold it
  CHECK_EQ(quota_used(env), used + 4 * kPage);
  CHECK_OK(sys::cap_delete(a));
  CHECK_EQ(quota_used(env), used + 4 * kPage);
  CHECK_OK(sys::cap_delete(b)); // inner reclaimed, then outer: the chain unwinds to the root
  CHECK_EQ(quota_used(env), used);
}

// The new capability is not derived from the one it was split through: revoking that one's parent
// (which deletes it) leaves the sub-quota usable.
void split_not_derived(const Env& env) {
  const Word used = quota_used(env);
  const Word copy = mint(env.root.memory, kMemoryRights, 0);
  const Word grandcopy = mint(copy, abi::kRightControl | abi::kRightAudit, 0);
  const Word sub = CHECK_OK(sys::memory_split(grandcopy, kPage)).r1;
  CHECK_OK(sys::cap_revoke(copy));
  CHECK_ERR(sys::cap_info(grandcopy), EmptySlot);
  const Word frame = CHECK_OK(sys::memory_allocate(sub, kPage)).r1;
  CHECK_OK(sys::cap_delete(frame));
  CHECK_OK(sys::cap_delete(sub));
  CHECK_OK(sys::cap_delete(copy));
  CHECK_EQ(quota_used(env), used);
}

// A chain of one-page splits, each level's capability deleted once the next is made (the next's charge
// keeps it alive), fills the kernel's pool of quota objects with one slot in use.
void split_pool_full(const Env& env) {
  const Word used = quota_used(env);
  Word current = CHECK_OK(sys::memory_split(env.root.memory, kPage)).r1;
  if (current == 0) return;
  Word levels = 1;
  Word refusal = abi::kSuccess;
  bool deletes_ok = true;
  for (; levels < kMaxChain; ++levels) {
    const SyscallResult next = sys::memory_split(current, kPage);
    if (!next.ok()) {
      refusal = next.status;
      break;
    }
    deletes_ok = sys::cap_delete(current).ok() && deletes_ok;
    current = next.r1;
  }
  bramble::user::print("syscall_errors: memory_split chain of %llu quotas until the pool was full\n",
                       static_cast<unsigned long long>(levels));
  CHECK(deletes_ok);
  CHECK_EQ(refusal, static_cast<Word>(abi::Error::OutOfMemory));
  CHECK(levels > 1 && levels < kMaxChain);
  CHECK_ERR(sys::memory_split(env.root.memory, kPage), OutOfMemory); // the pool is kernel-wide
  CHECK_EQ(quota_used(env), used + kPage); // only the first level is charged to the root
  CHECK_EQ(used_of(current), 0);
  CHECK_OK(sys::cap_delete(current)); // the whole chain is reclaimed, level by level
  CHECK_EQ(quota_used(env), used);
  const Word after = CHECK_OK(sys::memory_split(env.root.memory, kPage)).r1; // room again
  CHECK_OK(sys::cap_delete(after));
}

} // namespace

void test_memory_split(const Env& env) {
  check::section("memory_split");
  split_errors(env);
  split_accounting(env);
  split_nested(env);
  split_not_derived(env);
  split_pool_full(env);
}

} // namespace syscall_errors
