#include "kernel/object/frame.hpp"

#include <bit>

#include "kernel/abi/syscalls.hpp"
#include "kernel/console.hpp"
#include "kernel/mem/memory.hpp"
#include "kernel/object/pool.hpp"
#include "kernel/object/records.hpp"
#include "kernel/task/task.hpp"
#include "lib/align.hpp"

namespace bramble::kobj {
namespace {

static_assert(mm::kChannelWindowBase == abi::kChannelWindowBase && mm::kChannelWindowSize == abi::kChannelWindowSize,
              "mm enforces the channel window the ABI promises");

using abi::Error;

// Device frames only (Frame::create_device); RAM frames are records charged to their quota.
constexpr std::size_t kMaxDeviceFrames = 16;
Pool<Frame, kMaxDeviceFrames> g_device_frames;
std::size_t g_frames = 0;
std::size_t g_mappings = 0;

Mapping* record_of(const cap::Capability& cap) { return reinterpret_cast<Mapping*>(cap.kernel_word()); }

void remove_mapping(Mapping* m, bool unmap) {
  ktask::Task& task = *m->task;
  if (unmap) (void)task.space().unmap(m->vaddr, m->size);
  if (m->cap != nullptr) m->cap->set_kernel_word(0);
  if (m->prev != nullptr)
    m->prev->next = m->next;
  else
    task.mappings = m->next;
  if (m->next != nullptr) m->next->prev = m->prev;
  --g_mappings;
  destroy_record(m);
}

mm::Perms perms_for(abi::MapPerms perms) {
  mm::Perms p = mm::kUserRead;
  p.write = (perms & abi::kMapWrite) != 0;
  p.execute = (perms & abi::kMapExecute) != 0;
  return p;
}

Error map_error(mm::MmError e) {
  switch (e) {
  case mm::MmError::OutOfMemory: return Error::OutOfMemory;
  case mm::MmError::QuotaExceeded: return Error::QuotaExceeded;
  case mm::MmError::Misaligned: return Error::Misaligned;
  case mm::MmError::Overlap: return Error::AlreadyMapped;
  case mm::MmError::WriteExecute:
  case mm::MmError::InvalidPermissions: return Error::InvalidPermissions;
  default: return Error::InvalidAddress;
  }
}

} // namespace

cap::Result<Frame*> Frame::create(cap::MemoryQuota& quota, std::uint64_t size) {
  const std::uint64_t pages = size / abi::kPageSize;
  const auto order = static_cast<unsigned>(std::bit_width(std::bit_ceil(pages)) - 1);
  const std::uint64_t charged = abi::allocation_charge(size); // the 2^order-page block, as the ABI says
  if (order > mm::FrameAllocator::kMaxOrder) return err(Error::InvalidSize);
  BRAMBLE_TRY_VOID(quota.check_charge(charged));
  auto block = kmem::frames().allocate(order);
  if (!block.ok()) return err(Error::OutOfMemory);
  quota.charge(charged);
  auto frame = make_record<Frame>(quota, *block, order, size, &quota, charged);
  if (!frame.ok()) {
    (void)kmem::frames().free(*block, order);
    quota.refund(charged);
    return err(frame.error());
  }
  ++g_frames;
  return *frame;
}

cap::Result<Frame*> Frame::create_device(mm::PhysAddr pa, std::uint64_t size, bool console) {
  Frame* frame = g_device_frames.create(pa, 0u, size, nullptr, std::uint64_t{0}, true, console);
  if (frame == nullptr) return err(Error::OutOfMemory);
  ++g_frames;
  if (console) kconsole::set_quiet(true);
  return frame;
}

void Frame::on_capability_deleted(const cap::Capability& cap) {
  if (Mapping* m = record_of(cap)) remove_mapping(m, true);
}

void Frame::on_capability_moved(const cap::Capability&, const cap::Capability& to) {
  if (Mapping* m = record_of(to)) m->cap = const_cast<cap::Capability*>(&to);
}

void Frame::on_last_capability_deleted() {
  --g_frames;
  if (device()) {
    if (console_) kconsole::set_quiet(false); // the driver is gone: the kernel speaks again
    g_device_frames.destroy(this);
    return;
  }
  (void)kmem::frames().free(physical_address(), order_);
  cap::MemoryQuota& payer = *quota();
  const std::uint64_t charged = charged_;
  destroy_record(this); // reads nothing from the frame afterwards
  payer.refund(charged);
}

cap::Result<void> map_frame(ktask::Task& task, cap::Capability& cap, std::uint64_t vaddr, abi::MapPerms perms) {
  const auto& frame = static_cast<const Frame&>(*cap.object()); // decode checked the type
  const std::uint64_t size = align_up(frame.size(), abi::kPageSize);
  const bool in_window = vaddr >= mm::kChannelWindowBase && vaddr < mm::kChannelWindowEnd;
  Mapping* m = BRAMBLE_TRY(make_record<Mapping>(*task.quota));
  mm::AddressSpace& space = task.space();
  const mm::MemType type = frame.device() ? mm::MemType::Device : mm::MemType::Normal;
  auto r = in_window ? space.map_channel(vaddr, frame.physical_address(), size, perms_for(perms))
                     : space.map(vaddr, frame.physical_address(), size, perms_for(perms), type);
  if (!r.ok()) {
    destroy_record(m);
    return err(map_error(r.error()));
  }
  *m = Mapping{&task, vaddr, size, &cap, task.mappings, nullptr};
  if (m->next != nullptr) m->next->prev = m;
  task.mappings = m;
  ++g_mappings;
  cap.set_kernel_word(reinterpret_cast<std::uint64_t>(m));
  return {};
}

cap::Result<void> unmap_at(ktask::Task& task, std::uint64_t vaddr) {
  for (Mapping* m = task.mappings; m != nullptr; m = m->next) {
    if (m->vaddr == vaddr) {
      remove_mapping(m, true);
      return {};
    }
  }
  return err(Error::NotMapped);
}

void forget_mappings(ktask::Task& task) {
  while (task.mappings != nullptr)
    remove_mapping(task.mappings, false);
}

std::size_t frames_in_use() { return g_frames; }
std::size_t mappings_in_use() { return g_mappings; }

} // namespace bramble::kobj
