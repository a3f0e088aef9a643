// cap_copy, cap_mint, cap_move, cap_delete, cap_revoke, cap_info, cap_insert_into.
#include "tests/programs/syscall_errors/syscall_errors.hpp"

namespace syscall_errors {
namespace {

// Registry names with this top byte; `kPrefix | bits` is a badge covering them (abi::registry_badge).
constexpr Word kPrefix = Word{0xAB} << 56;

// The errors of the calls that take a source and a destination slot in the caller's table.
template <typename Call> void derive_errors(const Env& env, Call call, Word source, Word occupied) {
  CHECK_ERR(call(0, env.empty), InvalidSlot);
  CHECK_ERR(call(env.beyond, env.empty), InvalidSlot);
  CHECK_ERR(call(source, 0), InvalidSlot);
  CHECK_ERR(call(source, env.beyond), InvalidSlot);
  CHECK_ERR(call(env.empty, env.empty), EmptySlot); // the source is checked first
  CHECK_ERR(call(source, occupied), SlotOccupied);
}

} // namespace

void test_cap_copy_mint_move(const Env& env) {
  const Word n = new_notification(env);

  check::section("cap_copy");
  const Word copy = task::free_slot();
  CHECK_OK(sys::cap_copy(n, copy));
  CHECK_EQ(CHECK_OK(sys::cap_info(copy)).r1, sys::cap_info(n).r1); // same type and rights
  derive_errors(
      env, [](Word s, Word d) { return sys::cap_copy(s, d); }, n, copy);

  check::section("cap_mint");
  const Word minted = task::free_slot();
  CHECK_OK(sys::cap_mint(n, minted, abi::kRightSignal, 0x10));
  SyscallResult info = CHECK_OK(sys::cap_info(minted));
  CHECK_EQ(sys::info_rights(info), abi::kRightSignal);
  CHECK_EQ(info.r2, 0x10u); // the badge
  const Word kept = task::free_slot();
  CHECK_OK(sys::cap_mint(minted, kept, abi::kRightSignal, 0)); // badge 0 keeps the source's
  CHECK_EQ(CHECK_OK(sys::cap_info(kept)).r2, 0x10u);
  derive_errors(
      env, [](Word s, Word d) { return sys::cap_mint(s, d, abi::kRightSignal, 0); }, n, copy);
  const Word spare = task::free_slot();
  CHECK_ERR(sys::cap_mint(n, spare, abi::kRightRead, 0), InvalidRights); // not a notification right
  CHECK_ERR(sys::cap_mint(n, spare, Word{1} << 8, 0), InvalidRights);    // no such right
  CHECK_ERR(sys::cap_mint(minted, spare, abi::kRightSignal | abi::kRightWait, 0), InsufficientRights);
  CHECK_ERR(sys::cap_mint(minted, spare, abi::kRightSignal, 0x20), AlreadyBadged);
  CHECK_ERR(sys::cap_mint(env.root.memory, spare, abi::kRightControl, 0x20), InvalidBadge);        // no badges
  CHECK_ERR(sys::cap_mint(env.root.registry, spare, abi::kRightRead, kPrefix), InvalidBadge);      // 0 bits
  CHECK_ERR(sys::cap_mint(env.root.registry, spare, abi::kRightRead, kPrefix | 57), InvalidBadge); // > 56
  CHECK_ERR(sys::cap_mint(env.root.registry, spare, abi::kRightRead, kPrefix | (Word{1} << 40) | 8),
            InvalidBadge); // prefix bits below its length
  CHECK_OK(sys::cap_mint(env.root.registry, spare, abi::kRightRead, kPrefix | 8));
  CHECK_EQ(CHECK_OK(sys::cap_info(spare)).r2, kPrefix | 8);
  CHECK_OK(sys::cap_delete(spare));

  check::section("cap_move");
  const Word moved = task::free_slot();
  const Word before = sys::cap_info(minted).r1;
  CHECK_OK(sys::cap_move(minted, moved));
  CHECK_ERR(sys::cap_info(minted), EmptySlot);
  info = CHECK_OK(sys::cap_info(moved));
  CHECK_EQ(info.r1, before);
  CHECK_EQ(info.r2, 0x10u); // the badge went along
  derive_errors(
      env, [](Word s, Word d) { return sys::cap_move(s, d); }, moved, copy);
  // A mapping goes with the capability: unmapping still works after the move.
  const Word frame = new_frame(env, abi::kPageSize);
  CHECK_OK(sys::memory_map(frame, kMapA, kRw));
  const Word frame_moved = task::free_slot();
  CHECK_OK(sys::cap_move(frame, frame_moved));
  *task::at<volatile Word>(kMapA) = 7;
  CHECK_OK(sys::cap_delete(frame_moved)); // deleting the moved capability removes its mapping
  CHECK_ERR(sys::memory_unmap(kMapA), NotMapped);

  const Word made[] = {copy, kept, moved, n};
  for (Word slot : made)
    CHECK_OK(sys::cap_delete(slot));
}

void test_cap_delete_revoke_info(const Env& env) {
  check::section("cap_delete");
  const Word n = new_notification(env);
  const Word child = mint(n, abi::kRightSignal, 0);
  const Word grandchild = mint(child, abi::kRightSignal, 0);
  CHECK_OK(sys::cap_delete(child)); // what was derived from it goes too
  CHECK_ERR(sys::cap_info(child), EmptySlot);
  CHECK_ERR(sys::signal(grandchild), EmptySlot);
  CHECK_OK(sys::signal(n)); // the original line is untouched
  CHECK_ERR(sys::cap_delete(child), EmptySlot);
  CHECK_ERR(sys::cap_delete(0), InvalidSlot);
  CHECK_ERR(sys::cap_delete(env.beyond), InvalidSlot);
  CHECK_ERR(sys::cap_delete(env.empty), EmptySlot);

  check::section("cap_revoke");
  const Word a = mint(n, abi::kRightSignal, 0);
  const Word b = mint(a, abi::kRightSignal, 0);
  CHECK_OK(sys::cap_revoke(n)); // every descendant, transitively
  CHECK_ERR(sys::cap_info(a), EmptySlot);
  CHECK_ERR(sys::cap_info(b), EmptySlot);
  CHECK_ERR(sys::cap_info(grandchild), EmptySlot); // moved up under n by the delete above
  CHECK_OK(sys::cap_info(n));                      // the revoked capability itself stays
  CHECK_OK(sys::cap_revoke(n));                    // nothing left to revoke: fine
  CHECK_ERR(sys::cap_revoke(0), InvalidSlot);
  CHECK_ERR(sys::cap_revoke(env.beyond), InvalidSlot);
  CHECK_ERR(sys::cap_revoke(env.empty), EmptySlot);
  CHECK_OK(sys::cap_delete(n));

  check::section("cap_info");
  SyscallResult info = CHECK_OK(sys::cap_info(env.root.memory));
  CHECK(sys::info_type(info) == abi::CapType::Memory);
  CHECK_EQ(info.r2, env.root.boot->memory_bytes);
  CHECK(info.r3 > 0 && info.r3 <= info.r2);
  info = CHECK_OK(sys::cap_info(env.root.self));
  CHECK(sys::info_type(info) == abi::CapType::Task);
  CHECK_EQ(info.r2, env.root.boot->slot_count);
  CHECK_EQ(info.r3, abi::kMaxPriority);
  info = CHECK_OK(sys::cap_info(env.root.task_create));
  CHECK(sys::info_type(info) == abi::CapType::TaskCreate);
  CHECK_EQ(info.r2 | info.r3, 0);
  info = CHECK_OK(sys::cap_info(env.root.registry));
  CHECK(sys::info_type(info) == abi::CapType::ShmemRegistry);
  CHECK_EQ(info.r2, 0); // unbadged
  const Word frame = new_frame(env, 2 * abi::kPageSize);
  info = CHECK_OK(sys::cap_info(frame));
  CHECK_EQ(info.r2, 2 * abi::kPageSize);
  CHECK(info.r3 != 0 && info.r3 % abi::kPageSize == 0); // a physical address, for audit
  const Word unaudited = mint(frame, abi::kRightRead, 0);
  info = CHECK_OK(sys::cap_info(unaudited));
  CHECK_EQ(sys::info_rights(info), abi::kRightRead);
  CHECK_EQ(info.r2 | info.r3, 0); // no Audit: no facts
  CHECK_ERR(sys::cap_info(0), InvalidSlot);
  CHECK_ERR(sys::cap_info(env.beyond), InvalidSlot);
  CHECK_ERR(sys::cap_info(env.empty), EmptySlot);
  CHECK_OK(sys::cap_delete(unaudited));
  CHECK_OK(sys::cap_delete(frame));
}

void test_cap_insert_into(const Env& env) {
  check::section("cap_insert_into");
  const Word child = CHECK_OK(new_child(env, kChildPriority, 0)).r1;
  const Word n = new_notification(env);
  const Word frame = new_frame(env, abi::kPageSize);
  CHECK_OK(sys::cap_insert_into(child, 1, n, abi::kRightSignal, 0x40));
  CHECK_ERR(sys::cap_insert_into(child, 1, n, abi::kRightSignal, 0), SlotOccupied); // it is there
  // The task argument.
  CHECK_ERR(sys::cap_insert_into(0, 2, n, abi::kRightSignal, 0), InvalidSlot);
  CHECK_ERR(sys::cap_insert_into(env.beyond, 2, n, abi::kRightSignal, 0), InvalidSlot);
  CHECK_ERR(sys::cap_insert_into(env.empty, 2, n, abi::kRightSignal, 0), EmptySlot);
  CHECK_ERR(sys::cap_insert_into(env.root.memory, 2, n, abi::kRightSignal, 0), WrongType);
  const Word no_control = mint(child, abi::kRightGrant | abi::kRightAudit, 0);
  CHECK_ERR(sys::cap_insert_into(no_control, 2, n, abi::kRightSignal, 0), InsufficientRights);
  // The source (in the caller's table).
  CHECK_ERR(sys::cap_insert_into(child, 2, 0, abi::kRightSignal, 0), InvalidSlot);
  CHECK_ERR(sys::cap_insert_into(child, 2, env.beyond, abi::kRightSignal, 0), InvalidSlot);
  CHECK_ERR(sys::cap_insert_into(child, 2, env.empty, abi::kRightSignal, 0), EmptySlot);
  const Word no_grant = mint(n, abi::kRightSignal | abi::kRightWait, 0);
  CHECK_ERR(sys::cap_insert_into(child, 2, no_grant, abi::kRightSignal, 0), InsufficientRights);
  // The destination (in the child's table of kChildSlots slots).
  CHECK_ERR(sys::cap_insert_into(child, 0, n, abi::kRightSignal, 0), InvalidSlot);
  CHECK_ERR(sys::cap_insert_into(child, kChildSlots, n, abi::kRightSignal, 0), InvalidSlot);
  // Rights and badges.
  CHECK_ERR(sys::cap_insert_into(child, 2, n, abi::kRightRead, 0), InvalidRights);
  const Word signal_grant = mint(n, abi::kRightSignal | abi::kRightGrant, 0);
  CHECK_ERR(sys::cap_insert_into(child, 2, signal_grant, abi::kRightWait, 0), InsufficientRights);
  const Word badged = mint(n, abi::kRightSignal | abi::kRightGrant, 0x80);
  CHECK_ERR(sys::cap_insert_into(child, 2, badged, abi::kRightSignal, 0x100), AlreadyBadged);
  CHECK_ERR(sys::cap_insert_into(child, 2, frame, abi::kRightRead, 0x100), InvalidBadge);
  CHECK_ERR(sys::cap_insert_into(child, 2, env.root.registry, abi::kRightRead, kPrefix | 60), InvalidBadge);
  CHECK_OK(sys::cap_insert_into(child, 2, frame, abi::kRightRead, 0));
  // The inserted capabilities are children of the sources: revoking a source removes them again.
  CHECK_OK(sys::cap_revoke(frame));
  CHECK_OK(sys::cap_insert_into(child, 2, frame, abi::kRightRead, 0)); // slot 2 is free again
  const Word made[] = {badged, signal_grant, no_grant, no_control, frame, n, child};
  for (Word slot : made)
    CHECK_OK(sys::cap_delete(slot));
}

} // namespace syscall_errors
