// notification_create, signal, wait, poll, wait_timeout (ObjectDestroyed with a child blocked in wait
// or wait_timeout).
#include "tests/programs/syscall_errors/syscall_errors.hpp"

namespace syscall_errors {

void test_notification_create(const Env& env) {
  check::section("notification_create");
  const Word lowest = task::free_slot();
  const SyscallResult made = CHECK_OK(sys::notification_create(env.root.memory));
  CHECK_EQ(made.r1, lowest);
  const SyscallResult info = CHECK_OK(sys::cap_info(made.r1));
  CHECK(sys::info_type(info) == abi::CapType::Notification);
  CHECK_EQ(sys::info_rights(info), abi::kRightSignal | abi::kRightWait | abi::kRightGrant);
  CHECK_EQ(info.r2, 0); // no badge
  CHECK_OK(sys::cap_delete(made.r1));
  CHECK_ERR(sys::notification_create(0), InvalidSlot);
  CHECK_ERR(sys::notification_create(env.beyond), InvalidSlot);
  CHECK_ERR(sys::notification_create(env.empty), EmptySlot);
  CHECK_ERR(sys::notification_create(env.root.registry), WrongType);
  const Word weak = mint(env.root.memory, abi::kRightAudit, 0);
  CHECK_ERR(sys::notification_create(weak), InsufficientRights);
  CHECK_OK(sys::cap_delete(weak));
  // QuotaExceeded / OutOfMemory: test_quota_exceeded; TableFull: test_table_full.
}

namespace {

// ObjectDestroyed: a child blocks in wait on a notification; the root revokes the child's copy and
// deletes its own, the last capability, which destroys the notification and wakes the waiter.
void wait_on_destroyed(const Env& env, Role role = kWaitForDestroy) {
  const Word n = new_notification(env);
  const Word ended_copy = mint(env.ended, abi::kRightSignal, 0x1);
  // The root's priority: yield until the child is really blocked in its wait (a timer tick may
  // hand the CPU back before it gets there; task_status says when it is asleep).
  const Word child = CHECK_OK(new_child(env, abi::kMaxPriority, ended_copy)).r1;
  CHECK_OK(sys::cap_insert_into(child, kChildNotification, n, abi::kRightWait, 0));
  CHECK_OK(sys::task_start(child, role));
  CHECK(task::yield_until_blocked(child));
  CHECK_OK(sys::cap_revoke(n));
  CHECK_OK(sys::cap_delete(n));
  CHECK_EQ(task::wait_for(env.ended, 0x1), abi::kTaskEndedExit | 0x1);
  const SyscallResult status = CHECK_OK(sys::task_status(child));
  CHECK_EQ(status.r1, static_cast<Word>(abi::TaskState::Exited));
  CHECK_EQ(status.r2, static_cast<Word>(abi::Error::ObjectDestroyed)); // the child's wait status
  CHECK_OK(sys::cap_delete(child));
  CHECK_OK(sys::cap_delete(ended_copy));
}

// The errors signal, wait and poll share: a bad slot, a wrong type, a missing right (`lacking` is a
// copy without the right the call needs).
template <typename Call> void typed_errors(const Env& env, Call call, Word lacking) {
  CHECK_ERR(call(0), InvalidSlot);
  CHECK_ERR(call(env.beyond), InvalidSlot);
  CHECK_ERR(call(env.empty), EmptySlot);
  CHECK_ERR(call(env.root.memory), WrongType);
  CHECK_ERR(call(lacking), InsufficientRights);
}

} // namespace

void test_signal_wait_poll(const Env& env) {
  const Word n = new_notification(env);
  const Word signal_only = mint(n, abi::kRightSignal, 0);
  const Word wait_only = mint(n, abi::kRightWait, 0);
  const Word badged = mint(n, abi::kRightSignal, 0x30);

  check::section("signal");
  CHECK_OK(sys::signal(n));
  CHECK_OK(sys::signal(badged));
  CHECK_EQ(CHECK_OK(sys::poll(n)).r1, abi::kUnbadgedSignalBits | 0x30);
  typed_errors(
      env, [](Word slot) { return sys::signal(slot); }, wait_only);

  check::section("wait");
  CHECK_OK(sys::signal(signal_only));
  CHECK_EQ(CHECK_OK(sys::wait(wait_only)).r1, abi::kUnbadgedSignalBits);
  CHECK_OK(sys::signal(badged));
  CHECK_EQ(CHECK_OK(sys::wait(n)).r1, 0x30u);
  typed_errors(
      env, [](Word slot) { return sys::wait(slot); }, signal_only);
  wait_on_destroyed(env);

  check::section("poll");
  CHECK_EQ(CHECK_OK(sys::poll(n)).r1, 0); // wait cleared the word; poll does not block
  CHECK_OK(sys::signal(badged));
  CHECK_EQ(CHECK_OK(sys::poll(wait_only)).r1, 0x30u);
  CHECK_EQ(CHECK_OK(sys::poll(n)).r1, 0); // poll clears too
  typed_errors(
      env, [](Word slot) { return sys::poll(slot); }, signal_only);

  check::section("wait_timeout");
  CHECK_EQ(CHECK_OK(sys::wait_timeout(n, 0)).r1, 0); // ticks 0: a poll
  CHECK_EQ(CHECK_OK(sys::wait_timeout(n, 1)).r1, 0); // one tick: a real (if short) timeout
  CHECK_OK(sys::signal(badged));
  CHECK_EQ(CHECK_OK(sys::wait_timeout(wait_only, abi::kMaxWaitTicks)).r1, 0x30u); // the bound itself is fine
  CHECK_ERR(sys::wait_timeout(n, abi::kMaxWaitTicks + 1), InvalidSize);
  CHECK_ERR(sys::wait_timeout(n, ~Word{0}), InvalidSize);
  CHECK_OK(sys::signal(badged));
  CHECK_ERR(sys::wait_timeout(n, ~Word{0}), InvalidSize); // refused before the word is looked at
  CHECK_EQ(CHECK_OK(sys::poll(n)).r1, 0x30u);             // so it is still there
  typed_errors(
      env, [](Word slot) { return sys::wait_timeout(slot, 1); }, signal_only);
  CHECK_ERR(sys::wait_timeout(signal_only, ~Word{0}), InsufficientRights); // the capability is checked first
  wait_on_destroyed(env, kTimedWaitForDestroy);

  const Word made[] = {badged, wait_only, signal_only, n};
  for (Word slot : made)
    CHECK_OK(sys::cap_delete(slot));
}

} // namespace syscall_errors
