// cap_rights: a task can do only what its capabilities allow.
//
// (1) A child with an empty table cannot map, signal, wait, poll, allocate or create anything: every
//     attempt is an error. (2) Copies with fewer rights cannot do more, in the root and in a child:
//     a Read-only frame cannot be mapped writable or executable, a Signal-only notification cannot be
//     waited on or polled, a Wait-only one cannot be signalled, and a minted copy cannot gain rights.
//     (3) cap_insert_into needs Grant on the source and Control on the task. (4) Revoking the root's
//     original frame capability tears down the mapping a child got through a derived copy: the child
//     reads the page fine before, and is killed with MemoryAccess when it touches it after.
// Children run their own CHECKs (printing FAIL lines) and exit with their failure count.
#include <cstdint>

#include "user/lib/check.hpp"
#include "user/lib/task.hpp"

namespace {

using bramble::abi::FaultReason;
using bramble::abi::TaskState;
using bramble::user::SyscallResult;
using bramble::user::task::Word;
namespace abi = bramble::abi;
namespace sys = bramble::user::sys;
namespace task = bramble::user::task;
namespace check = bramble::user::check;

constexpr const char* kProgram = "cap_rights";

enum Role : Word { kNoCaps = 1, kWeak = 2, kReader = 3 };
constexpr Word kChildSlots = 8;
constexpr Word kChildPriority = 30;
constexpr Word kMagic = 0x5eed'cafe'f00d'0001;
constexpr Word kRw = abi::kMapRead | abi::kMapWrite;
constexpr Word kSignalBadge = 0x40;
constexpr Word kEcDataAbortLow = 0x24; // ESR_EL1.EC (ARM ARM, ESR_EL1): Data Abort from a lower EL

// kWeak's table: a Read-only frame, a Signal-only (badged) and a Wait-only copy of one notification.
constexpr Word kWeakFrame = 1;
constexpr Word kWeakSignal = 2;
constexpr Word kWeakWait = 3;
constexpr Word kWeakSpare = 4;
// kReader's table: "go" (Wait) and "ready" (Signal).
constexpr Word kReaderGo = 1;
constexpr Word kReaderReady = 2;

int no_caps() {
  const Word va = task::kTestMapBase;
  CHECK_ERR(sys::memory_map(1, va, abi::kMapRead), EmptySlot);
  CHECK_ERR(sys::memory_map(0, va, abi::kMapRead), InvalidSlot);
  CHECK_ERR(sys::memory_map(kChildSlots, va, abi::kMapRead), InvalidSlot);
  CHECK_ERR(sys::signal(1), EmptySlot);
  CHECK_ERR(sys::wait(1), EmptySlot);
  CHECK_ERR(sys::poll(1), EmptySlot);
  CHECK_ERR(sys::memory_allocate(1, abi::kPageSize), EmptySlot);
  CHECK_ERR(sys::notification_create(1), EmptySlot);
  CHECK_ERR(sys::task_create(1, 2, 0, 4, 0, 0), EmptySlot);
  CHECK_ERR(sys::shmem_query(1, 0), EmptySlot);
  CHECK_ERR(sys::cap_copy(1, 2), EmptySlot);
  CHECK_ERR(sys::cap_info(1), EmptySlot);
  CHECK_ERR(sys::memory_unmap(va), NotMapped);
  (void)check::summary("cap_rights child no-caps");
  return static_cast<int>(check::tally.failed);
}

int weak() {
  const Word va = task::kTestMapBase;
  const SyscallResult info = CHECK_OK(sys::cap_info(kWeakFrame));
  CHECK(sys::info_type(info) == abi::CapType::Frame);
  CHECK_EQ(sys::info_rights(info), abi::kRightRead);
  CHECK_EQ(info.r2, 0); // no Audit: no size
  CHECK_ERR(sys::memory_map(kWeakFrame, va, kRw), InsufficientRights);
  CHECK_ERR(sys::memory_map(kWeakFrame, va, abi::kMapRead | abi::kMapExecute), InsufficientRights);
  CHECK_ERR(sys::cap_mint(kWeakFrame, kWeakSpare, abi::kRightRead | abi::kRightWrite, 0), InsufficientRights);
  if (CHECK_OK(sys::memory_map(kWeakFrame, va, abi::kMapRead)).ok()) {
    CHECK_EQ(*task::at<volatile Word>(va), kMagic);
  }
  CHECK_ERR(sys::wait(kWeakSignal), InsufficientRights);
  CHECK_ERR(sys::poll(kWeakSignal), InsufficientRights);
  CHECK_ERR(sys::signal(kWeakWait), InsufficientRights);
  CHECK_ERR(sys::cap_mint(kWeakSignal, kWeakSpare, abi::kRightSignal | abi::kRightWait, 0), InsufficientRights);
  CHECK_ERR(sys::cap_mint(kWeakSignal, kWeakSpare, abi::kRightSignal, 0x1), AlreadyBadged);
  // What the copies do allow: signal through one, poll through the other, in one word.
  CHECK_OK(sys::signal(kWeakSignal));
  CHECK_EQ(CHECK_OK(sys::poll(kWeakWait)).r1, kSignalBadge);
  CHECK_OK(sys::signal(kWeakSignal));                                 // for the root to see
  CHECK_OK(sys::cap_mint(kWeakWait, kWeakSpare, abi::kRightWait, 0)); // fewer or equal rights: fine
  (void)check::summary("cap_rights child weak");
  return static_cast<int>(check::tally.failed);
}

int reader() {
  volatile Word* page = task::at<volatile Word>(task::kTestMapBase);
  if (*page != kMagic) return 2;
  if (!sys::signal(kReaderReady).ok()) return 3;
  if (!sys::wait(kReaderGo).ok()) return 4;
  return *page == kMagic ? 5 : 6; // the mapping is gone: this load must kill the task
}

int child_main(Word role) {
  switch (role) {
  case kNoCaps: return no_caps();
  case kWeak: return weak();
  case kReader: return reader();
  default: return -1;
  }
}

struct Fixture {
  task::Root root;
  Word ended;
};

// Starts a child (its table filled by `fill`), waits for its end, returns its task_status.
template <typename Fill> SyscallResult run_child(Fixture& f, Role role, Fill fill) {
  const Word child = CHECK_OK(task::create(f.root, kChildSlots, kChildPriority, f.ended)).r1;
  fill(child);
  CHECK_OK(sys::task_start(child, role));
  const Word bits = CHECK_OK(sys::wait(f.ended)).r1;
  CHECK((bits & (abi::kTaskEndedExit | abi::kTaskEndedFault)) != 0);
  const SyscallResult status = CHECK_OK(sys::task_status(child));
  CHECK_OK(sys::cap_delete(child));
  return status;
}

Word mint(Word source, Word rights, Word badge) {
  const Word slot = task::free_slot();
  CHECK_OK(sys::cap_mint(source, slot, rights, badge));
  return slot;
}

// (2) and (3) in the root itself.
void weaker_copies_in_root(const task::Root& root, Word frame, Word n) {
  const Word va = task::kTestMapBase + 0x10'0000;
  const Word read_only = mint(frame, abi::kRightRead | abi::kRightGrant, 0);
  CHECK_ERR(sys::memory_map(read_only, va, kRw), InsufficientRights);
  CHECK_ERR(sys::memory_map(read_only, va, abi::kMapRead | abi::kMapExecute), InsufficientRights);
  const Word signal_only = mint(n, abi::kRightSignal, 0);
  const Word wait_only = mint(n, abi::kRightWait, 0);
  CHECK_ERR(sys::wait(signal_only), InsufficientRights);
  CHECK_ERR(sys::poll(signal_only), InsufficientRights);
  CHECK_ERR(sys::signal(wait_only), InsufficientRights);
  CHECK_ERR(sys::cap_mint(read_only, task::free_slot(), abi::kRightRead | abi::kRightWrite, 0), InsufficientRights);

  const Word no_control_memory = mint(root.memory, abi::kRightGrant | abi::kRightAudit, 0);
  CHECK_ERR(sys::memory_allocate(no_control_memory, abi::kPageSize), InsufficientRights);
  CHECK_ERR(sys::notification_create(no_control_memory), InsufficientRights);
  const Word no_control_create = mint(root.task_create, abi::kRightGrant, 0);
  CHECK_ERR(sys::task_create(no_control_create, root.memory, root.image, 4, 1, 0), InsufficientRights);
  const Word read_registry = mint(root.registry, abi::kRightRead, 0);
  CHECK_ERR(sys::shmem_register(read_registry, 1, frame, n), InsufficientRights);

  // (3) Grant and Control.
  const Word child = CHECK_OK(task::create(root, kChildSlots, kChildPriority, 0)).r1;
  const Word no_grant_frame = mint(frame, abi::kRightRead, 0);
  const Word no_grant_n = mint(n, abi::kRightSignal | abi::kRightWait, 0);
  CHECK_ERR(sys::cap_insert_into(child, 1, no_grant_frame, abi::kRightRead, 0), InsufficientRights);
  CHECK_ERR(sys::cap_insert_into(child, 1, no_grant_n, abi::kRightSignal, 0), InsufficientRights);
  const Word no_control_task = mint(child, abi::kRightGrant | abi::kRightAudit, 0);
  CHECK_ERR(sys::cap_insert_into(no_control_task, 1, n, abi::kRightSignal, 0), InsufficientRights);
  CHECK_ERR(sys::memory_map_into(no_control_task, read_only, task::kTestMapBase, abi::kMapRead), InsufficientRights);
  CHECK_ERR(sys::task_start(no_control_task, kNoCaps), InsufficientRights);
  CHECK_OK(sys::cap_insert_into(child, 1, n, abi::kRightSignal, 0));                     // with Grant and Control: fine
  CHECK_EQ(CHECK_OK(sys::task_status(child)).r1, static_cast<Word>(TaskState::Created)); // never started

  const Word made[] = {read_only,     signal_only,    wait_only,  no_control_memory, no_control_create,
                       read_registry, no_grant_frame, no_grant_n, no_control_task,   child};
  for (Word slot : made)
    CHECK_OK(sys::cap_delete(slot));
}

int root_main(const void* startup) {
  Fixture f{};
  if (!CHECK(task::read_root(startup, kProgram, f.root)) || !CHECK(f.root.image != task::kNoImage)) {
    return check::summary(kProgram);
  }
  const task::Root& root = f.root;
  f.ended = CHECK_OK(sys::notification_create(root.memory)).r1;
  const Word frame = task::map_new(root, abi::kPageSize, task::kTestMapBase, kRw);
  if (!CHECK(frame != 0)) return check::summary(kProgram);
  volatile Word* page = task::at<volatile Word>(task::kTestMapBase);
  *page = kMagic;
  const Word n = CHECK_OK(sys::notification_create(root.memory)).r1;

  // (1) Nothing in the table, nothing allowed.
  SyscallResult status = run_child(f, kNoCaps, [](Word) {});
  CHECK_EQ(status.r1, static_cast<Word>(TaskState::Exited));
  CHECK_EQ(status.r2, 0);

  // (2) Weaker copies in a child.
  status = run_child(f, kWeak, [&](Word child) {
    CHECK_OK(sys::cap_insert_into(child, kWeakFrame, frame, abi::kRightRead, 0));
    CHECK_OK(sys::cap_insert_into(child, kWeakSignal, n, abi::kRightSignal, kSignalBadge));
    CHECK_OK(sys::cap_insert_into(child, kWeakWait, n, abi::kRightWait, 0));
  });
  CHECK_EQ(status.r1, static_cast<Word>(TaskState::Exited));
  CHECK_EQ(status.r2, 0);
  CHECK_EQ(CHECK_OK(sys::poll(n)).r1, kSignalBadge);

  // (2), (3) in the root.
  weaker_copies_in_root(root, frame, n);

  // (4) Revoke tears down a mapping in another task.
  const Word go = CHECK_OK(sys::notification_create(root.memory)).r1;
  const Word ready = CHECK_OK(sys::notification_create(root.memory)).r1;
  Word view = 0;
  const Word reader_task = CHECK_OK(task::create(root, kChildSlots, kChildPriority, f.ended)).r1;
  view = task::share(reader_task, frame, task::kTestMapBase, abi::kMapRead);
  CHECK(view != 0);
  CHECK_OK(sys::cap_insert_into(reader_task, kReaderGo, go, abi::kRightWait, 0));
  CHECK_OK(sys::cap_insert_into(reader_task, kReaderReady, ready, abi::kRightSignal, 0));
  CHECK_OK(sys::task_start(reader_task, kReader));
  CHECK_OK(sys::wait(ready)); // the child read the page through its mapping
  CHECK_OK(sys::cap_revoke(frame));
  CHECK_ERR(sys::cap_info(view), EmptySlot); // the copy the mapping was made through is gone
  CHECK_EQ(*page, kMagic);                   // the root's own mapping (through the original) stays
  CHECK_OK(sys::signal(go));
  CHECK_EQ(CHECK_OK(sys::wait(f.ended)).r1 & abi::kTaskEndedFault, abi::kTaskEndedFault);
  status = CHECK_OK(sys::task_status(reader_task));
  CHECK_EQ(status.r1, static_cast<Word>(TaskState::Faulted));
  CHECK_EQ(status.r2, static_cast<Word>(FaultReason::MemoryAccess));
  CHECK_EQ((status.r3 >> 26) & 0x3f, kEcDataAbortLow);
  CHECK_OK(sys::cap_delete(reader_task));

  CHECK_OK(sys::cap_delete(go));
  CHECK_OK(sys::cap_delete(ready));
  CHECK_OK(sys::cap_delete(n));
  CHECK_OK(sys::memory_unmap(task::kTestMapBase));
  CHECK_OK(sys::cap_delete(frame));
  CHECK_OK(sys::cap_delete(f.ended));
  return check::summary(kProgram);
}

} // namespace

int main(const void* startup) {
  if (!task::is_root(startup)) return child_main(reinterpret_cast<Word>(startup));
  return root_main(startup);
}
