// debug_write, yield, memory_allocate, memory_map, memory_map_into, memory_unmap.
#include "tests/programs/syscall_errors/syscall_errors.hpp"

namespace syscall_errors {
namespace {

[[nodiscard]] Word address_of(const void* p) { return reinterpret_cast<Word>(p); }

constexpr char kLine[] = "syscall_errors: debug_write works\n";
constexpr Word kLineLength = sizeof kLine - 1;

} // namespace

void test_debug_write(const Env& env) {
  check::section("debug_write");
  CHECK_EQ(CHECK_OK(sys::debug_write(address_of(kLine), kLineLength)).r1, kLineLength);
  CHECK_EQ(CHECK_OK(sys::debug_write(kKernelAddress, 0)).r1, 0); // length 0: nothing is read
  CHECK_ERR(sys::debug_write(kKernelAddress, 16), BadUserPointer);
  CHECK_ERR(sys::debug_write(kAboveUserWindow, 16), BadUserPointer);
  CHECK_ERR(sys::debug_write(0, 8), BadUserPointer);                       // page 0 is outside
  CHECK_ERR(sys::debug_write(abi::kUserStackTop - 8, 16), BadUserPointer); // leaves the window
  CHECK_ERR(sys::debug_write(~Word{0} - 4, 16), BadUserPointer);           // wraps around
  CHECK_ERR(sys::debug_write(address_of(kLine), abi::kMaxDebugWrite + 1), InvalidSize);

  // A buffer that runs off a mapped page into an unmapped one: only the mapped part is written.
  const Word frame = new_frame(env, abi::kPageSize);
  if (CHECK_OK(sys::memory_map(frame, kMapC, kRw)).ok()) {
    char* tail = task::at<char>(kMapC + abi::kPageSize - 4);
    tail[0] = ' ';
    tail[1] = ' ';
    tail[2] = ' ';
    tail[3] = '\n';
    const SyscallResult partial = sys::debug_write(kMapC + abi::kPageSize - 4, 16);
    CHECK(partial.ok() && partial.r1 == 4);
  }
  const SyscallResult unmapped = sys::debug_write(kNeverMapped, 16);
  CHECK(unmapped.status == static_cast<Word>(abi::Error::BadUserPointer) || (unmapped.ok() && unmapped.r1 == 0));
  CHECK_OK(sys::cap_delete(frame));
}

void test_yield(const Env&) {
  check::section("yield");
  CHECK_OK(sys::yield());
  CHECK_OK(sys::yield());
}

void test_memory_allocate(const Env& env) {
  check::section("memory_allocate");
  const Word memory = env.root.memory;
  const Word used = quota_used(env);
  const Word lowest = task::free_slot();
  const SyscallResult one = CHECK_OK(sys::memory_allocate(memory, abi::kPageSize));
  CHECK_EQ(one.r1, lowest); // the lowest free slot
  SyscallResult info = CHECK_OK(sys::cap_info(one.r1));
  CHECK(sys::info_type(info) == abi::CapType::Frame);
  CHECK_EQ(sys::info_rights(info), abi::valid_rights(abi::CapType::Frame));
  CHECK_EQ(info.r2, abi::kPageSize);
  CHECK_EQ(quota_used(env) - used, abi::kPageSize);

  // Three pages: the frame is four internally and the quota is charged for four; cap_info reports
  // the size asked for. The memory is zeroed.
  const SyscallResult three = CHECK_OK(sys::memory_allocate(memory, 3 * abi::kPageSize));
  info = CHECK_OK(sys::cap_info(three.r1));
  CHECK_EQ(info.r2, 3 * abi::kPageSize);
  CHECK_EQ(quota_used(env) - used, 5 * abi::kPageSize);
  if (CHECK_OK(sys::memory_map(three.r1, kMapA, kRw)).ok()) {
    const Word* words = task::at<const Word>(kMapA);
    Word nonzero = 0;
    for (Word i = 0; i < 3 * abi::kPageSize / sizeof(Word); ++i)
      nonzero += words[i] != 0 ? 1 : 0;
    CHECK_EQ(nonzero, 0);
  }
  CHECK_OK(sys::cap_delete(three.r1));
  CHECK_OK(sys::cap_delete(one.r1));
  CHECK_EQ(quota_used(env), used); // deleting the last capability refunds the quota

  CHECK_ERR(sys::memory_allocate(0, abi::kPageSize), InvalidSlot);
  CHECK_ERR(sys::memory_allocate(env.beyond, abi::kPageSize), InvalidSlot);
  CHECK_ERR(sys::memory_allocate(env.empty, abi::kPageSize), EmptySlot);
  CHECK_ERR(sys::memory_allocate(env.root.task_create, abi::kPageSize), WrongType);
  const Word weak = mint(memory, abi::kRightGrant | abi::kRightAudit, 0);
  CHECK_ERR(sys::memory_allocate(weak, abi::kPageSize), InsufficientRights);
  CHECK_OK(sys::cap_delete(weak));
  CHECK_ERR(sys::memory_allocate(memory, 0), InvalidSize);
  CHECK_ERR(sys::memory_allocate(memory, 100), InvalidSize);
  CHECK_ERR(sys::memory_allocate(memory, abi::kPageSize + 1), InvalidSize);
  CHECK_ERR(sys::memory_allocate(memory, Word{1} << 40), InvalidSize); // above the allocation limit
  // QuotaExceeded and TableFull: test_quota_exceeded, test_table_full. OutOfMemory (no contiguous
  // run of free frames while the quota still allows) cannot be arranged: the quota is all free RAM.
  bramble::user::print("syscall_errors: memory_allocate OutOfMemory not provokable (quota = free RAM), skipped\n");
}

void test_memory_map(const Env& env) {
  check::section("memory_map");
  const Word frame = new_frame(env, 2 * abi::kPageSize);
  if (CHECK_OK(sys::memory_map(frame, kMapA, kRw)).ok()) {
    *task::at<volatile Word>(kMapA) = 0x1234;
    *task::at<volatile Word>(kMapA + abi::kPageSize) = 0x5678;
    CHECK_EQ(*task::at<volatile Word>(kMapA + abi::kPageSize), 0x5678);
  }
  CHECK_ERR(sys::memory_map(frame, kMapB, kRw), AlreadyMapped); // one mapping per capability
  const Word copy = task::free_slot();
  CHECK_OK(sys::cap_copy(frame, copy));
  if (CHECK_OK(sys::memory_map(copy, kMapB, abi::kMapRead)).ok()) {
    CHECK_EQ(*task::at<volatile Word>(kMapB), 0x1234); // the same memory, twice
  }
  const Word other = task::free_slot();
  CHECK_OK(sys::cap_copy(frame, other));
  CHECK_ERR(sys::memory_map(other, kMapA + abi::kPageSize, abi::kMapRead), AlreadyMapped);
  CHECK_ERR(sys::memory_map(other, abi::kProgramBase, abi::kMapRead), AlreadyMapped);
  CHECK_ERR(sys::memory_map(other, abi::kBootInfoAddress, abi::kMapRead), AlreadyMapped);
  CHECK_ERR(sys::memory_map(other, abi::kUserStackTop - 2 * abi::kPageSize, abi::kMapRead), AlreadyMapped);
  CHECK_ERR(sys::memory_map(0, kMapC, abi::kMapRead), InvalidSlot);
  CHECK_ERR(sys::memory_map(env.beyond, kMapC, abi::kMapRead), InvalidSlot);
  CHECK_ERR(sys::memory_map(env.empty, kMapC, abi::kMapRead), EmptySlot);
  CHECK_ERR(sys::memory_map(env.root.memory, kMapC, abi::kMapRead), WrongType);
  const Word read_only = mint(frame, abi::kRightRead, 0);
  CHECK_ERR(sys::memory_map(read_only, kMapC, kRw), InsufficientRights);
  const Word no_execute = mint(frame, abi::kRightRead | abi::kRightWrite, 0);
  CHECK_ERR(sys::memory_map(no_execute, kMapC, abi::kMapRead | abi::kMapExecute), InsufficientRights);
  CHECK_ERR(sys::memory_map(other, kMapC + 0x10, abi::kMapRead), Misaligned);
  CHECK_ERR(sys::memory_map(other, 0, abi::kMapRead), InvalidAddress); // page 0 is outside
  CHECK_ERR(sys::memory_map(other, kKernelAddress, abi::kMapRead), InvalidAddress);
  CHECK_ERR(sys::memory_map(other, kAboveUserWindow, abi::kMapRead), InvalidAddress);
  CHECK_ERR(sys::memory_map(other, abi::kUserStackTop, abi::kMapRead), InvalidAddress);
  CHECK_ERR(sys::memory_map(other, abi::kUserStackTop - abi::kPageSize, abi::kMapRead), InvalidAddress); // 8 KiB
  CHECK_ERR(sys::memory_map(other, kMapC, 0), InvalidPermissions);
  CHECK_ERR(sys::memory_map(other, kMapC, abi::kMapWrite), InvalidPermissions);
  CHECK_ERR(sys::memory_map(other, kMapC, abi::kMapAllBits), InvalidPermissions); // W and X
  CHECK_ERR(sys::memory_map(other, kMapC, abi::kMapRead | 0x8), InvalidPermissions);
  CHECK_OK(sys::memory_map(other, kMapC, abi::kMapRead | abi::kMapExecute)); // R-X is fine
  bramble::user::print("syscall_errors: memory_map OutOfMemory (no page-table frame) not provokable, skipped\n");

  // Deleting the capability a mapping was made through removes the mapping.
  CHECK_OK(sys::cap_delete(copy));
  CHECK_ERR(sys::memory_unmap(kMapB), NotMapped);
  const Word made[] = {other, read_only, no_execute, frame};
  for (Word slot : made)
    CHECK_OK(sys::cap_delete(slot));
  CHECK_ERR(sys::memory_unmap(kMapA), NotMapped);
}

void test_memory_map_into(const Env& env) {
  check::section("memory_map_into");
  const Word child = CHECK_OK(new_child(env, kChildPriority, 0)).r1;
  const Word frame = new_frame(env, abi::kPageSize);
  const Word first = task::free_slot();
  CHECK_OK(sys::cap_copy(frame, first));
  CHECK_OK(sys::memory_map_into(child, first, kMapA, kRw));
  CHECK_ERR(sys::memory_map_into(child, first, kMapB, kRw), AlreadyMapped); // one mapping per capability
  const Word second = task::free_slot();
  CHECK_OK(sys::cap_copy(frame, second));
  CHECK_ERR(sys::memory_map_into(child, second, kMapA, abi::kMapRead), AlreadyMapped);
  CHECK_ERR(sys::memory_map_into(child, second, abi::kProgramBase, abi::kMapRead), AlreadyMapped);
  CHECK_ERR(sys::memory_map_into(0, second, kMapB, abi::kMapRead), InvalidSlot);
  CHECK_ERR(sys::memory_map_into(env.beyond, second, kMapB, abi::kMapRead), InvalidSlot);
  CHECK_ERR(sys::memory_map_into(env.empty, second, kMapB, abi::kMapRead), EmptySlot);
  CHECK_ERR(sys::memory_map_into(env.root.memory, second, kMapB, abi::kMapRead), WrongType);
  const Word no_control = mint(child, abi::kRightGrant | abi::kRightAudit, 0);
  CHECK_ERR(sys::memory_map_into(no_control, second, kMapB, abi::kMapRead), InsufficientRights);
  CHECK_ERR(sys::memory_map_into(child, 0, kMapB, abi::kMapRead), InvalidSlot);
  CHECK_ERR(sys::memory_map_into(child, env.empty, kMapB, abi::kMapRead), EmptySlot);
  CHECK_ERR(sys::memory_map_into(child, env.ended, kMapB, abi::kMapRead), WrongType);
  const Word read_only = mint(frame, abi::kRightRead, 0);
  CHECK_ERR(sys::memory_map_into(child, read_only, kMapB, kRw), InsufficientRights);
  CHECK_ERR(sys::memory_map_into(child, second, kMapB + 0x800, abi::kMapRead), Misaligned);
  CHECK_ERR(sys::memory_map_into(child, second, 0, abi::kMapRead), InvalidAddress);
  CHECK_ERR(sys::memory_map_into(child, second, kKernelAddress, abi::kMapRead), InvalidAddress);
  CHECK_ERR(sys::memory_map_into(child, second, kMapB, abi::kMapWrite), InvalidPermissions);
  CHECK_ERR(sys::memory_map_into(child, second, kMapB, abi::kMapAllBits), InvalidPermissions);
  // Into the caller's own space through its own task capability.
  if (CHECK_OK(sys::memory_map_into(env.root.self, second, kMapB, abi::kMapRead)).ok()) {
    CHECK_EQ(*task::at<volatile Word>(kMapB), 0);
  }
  const Word made[] = {second, first, read_only, no_control, frame, child};
  for (Word slot : made)
    CHECK_OK(sys::cap_delete(slot));
  CHECK_ERR(sys::memory_unmap(kMapB), NotMapped);
}

void test_memory_unmap(const Env& env) {
  check::section("memory_unmap");
  const Word frame = new_frame(env, 2 * abi::kPageSize);
  CHECK_OK(sys::memory_map(frame, kMapA, kRw));
  CHECK_ERR(sys::memory_unmap(kMapA + abi::kPageSize), NotMapped); // no mapping starts there
  CHECK_OK(sys::memory_unmap(kMapA));
  CHECK_ERR(sys::memory_unmap(kMapA), NotMapped);
  CHECK_OK(sys::memory_map(frame, kMapA, kRw)); // the capability may map again once unmapped
  CHECK_OK(sys::memory_unmap(kMapA));
  CHECK_ERR(sys::memory_unmap(kMapA + 8), Misaligned);
  CHECK_ERR(sys::memory_unmap(0), InvalidAddress);
  CHECK_ERR(sys::memory_unmap(kKernelAddress), InvalidAddress);
  CHECK_ERR(sys::memory_unmap(kAboveUserWindow), InvalidAddress);
  CHECK_ERR(sys::memory_unmap(abi::kUserStackTop), InvalidAddress);
  CHECK_ERR(sys::memory_unmap(kNeverMapped), NotMapped);
  CHECK_OK(sys::cap_delete(frame));
}

} // namespace syscall_errors
