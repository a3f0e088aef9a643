#include "kernel/object/records.hpp"

#include "kernel/arch/memory_layout.hpp"
#include "kernel/mem/memory.hpp"
#include "lib/align.hpp"
#include "lib/memory.hpp"

namespace bramble::kobj {
namespace {

using abi::Error;

// The first kRecordSize bytes of every object page.
struct PageHeader {
  cap::MemoryQuota* owner;
  PageHeader* next;
  PageHeader* prev;
  std::uint32_t used; // bit i: record i (1 .. kRecordsPerObjectPage) is taken
  std::uint32_t count;
};
static_assert(sizeof(PageHeader) <= kRecordSize);

constexpr std::uint32_t kAllRecords = ((std::uint32_t{1} << abi::kRecordsPerObjectPage) - 1) << 1;

std::size_t g_pages = 0;
std::size_t g_records = 0;

PageHeader* first_page(const cap::MemoryQuota& quota) { return static_cast<PageHeader*>(quota.object_pages()); }

PageHeader* page_of(const void* record) {
  return reinterpret_cast<PageHeader*>(align_down(reinterpret_cast<std::uintptr_t>(record), abi::kPageSize));
}

cap::Result<PageHeader*> new_page(cap::MemoryQuota& quota) {
  BRAMBLE_TRY_VOID(quota.check_charge(abi::kPageSize));
  auto pa = kmem::frames().allocate(0);
  if (!pa.ok()) return err(Error::OutOfMemory);
  quota.charge(abi::kPageSize);
  auto* page = arch::phys_to_virt<PageHeader>(*pa);
  mem::fill(page, 0, abi::kPageSize); // a record never sees what the frame held before
  page->owner = &quota;
  page->next = first_page(quota);
  page->prev = nullptr;
  if (page->next != nullptr) page->next->prev = page;
  quota.set_object_pages(page);
  ++g_pages;
  return page;
}

} // namespace

cap::Result<void*> allocate_record(cap::MemoryQuota& quota) {
  PageHeader* page = first_page(quota);
  while (page != nullptr && page->used == kAllRecords)
    page = page->next;
  if (page == nullptr) page = BRAMBLE_TRY(new_page(quota));
  const unsigned index = static_cast<unsigned>(__builtin_ctz(~page->used & kAllRecords));
  page->used |= std::uint32_t{1} << index;
  ++page->count;
  ++g_records;
  return reinterpret_cast<std::uint8_t*>(page) + index * kRecordSize;
}

void free_record(void* record) {
  PageHeader* page = page_of(record);
  const auto index =
      static_cast<unsigned>((reinterpret_cast<std::uintptr_t>(record) & (abi::kPageSize - 1)) / kRecordSize);
  page->used &= ~(std::uint32_t{1} << index);
  --page->count;
  --g_records;
  if (page->count != 0) return;
  cap::MemoryQuota& owner = *page->owner;
  if (page->prev != nullptr)
    page->prev->next = page->next;
  else
    owner.set_object_pages(page->next);
  if (page->next != nullptr) page->next->prev = page->prev;
  (void)kmem::frames().free(arch::virt_to_phys(page), 0);
  --g_pages;
  owner.refund(abi::kPageSize); // last: may reclaim the owner (a sub-quota) and free its own record
}

std::size_t object_pages_in_use() { return g_pages; }
std::size_t records_in_use() { return g_records; }

} // namespace bramble::kobj
