// Kernel records: the small objects the kernel keeps per capability-visible thing (a frame's record,
// a notification, a sub-quota, a mapping, a registry entry). They are carved from 4 KiB object pages
// that belong to exactly one memory quota and are charged to it in full (abi::record_charge), so the
// kernel has no global pool a component could drain: a component that makes records spends its own
// quota, gets QuotaExceeded when it is spent, and everyone else keeps working.
//
// A page holds a header and abi::kRecordsPerObjectPage records of kRecordSize bytes. A page whose last
// record is freed goes back to the frame allocator and its charge back to the quota at once.
#pragma once

#include <new>
#include <utility>

#include "kernel/abi/syscalls.hpp"
#include "kernel/cap/memory_quota.hpp"

namespace bramble::kobj {

inline constexpr std::size_t kRecordSize = abi::kPageSize / (abi::kRecordsPerObjectPage + 1);
static_assert(kRecordSize == 256, "a page is a header and 15 records");

// Room for one record charged to `quota`: QuotaExceeded when it needs a new page the quota cannot
// pay for, OutOfMemory when the machine has no free frame.
[[nodiscard]] cap::Result<void*> allocate_record(cap::MemoryQuota& quota);
// Gives a record's room back (and its page, when it was the page's last record).
void free_record(void* record);
// Object pages and records that exist (the kernel's end-of-run report).
[[nodiscard]] std::size_t object_pages_in_use();
[[nodiscard]] std::size_t records_in_use();

template <typename T, typename... Args>
[[nodiscard]] cap::Result<T*> make_record(cap::MemoryQuota& quota, Args&&... args) {
  static_assert(sizeof(T) <= kRecordSize, "a kernel record fits its slot");
  static_assert(alignof(T) <= 16);
  void* room = BRAMBLE_TRY(allocate_record(quota));
  return ::new (room) T(std::forward<Args>(args)...);
}

// Destroys a record made by make_record. The caller reads nothing from it afterwards (freeing the
// record may refund a quota, which may reclaim a sub-quota).
template <typename T> void destroy_record(T* record) {
  record->~T();
  free_record(record);
}

} // namespace bramble::kobj
