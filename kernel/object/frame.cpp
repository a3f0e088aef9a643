#include "kernel/object/frame.hpp"

#include <bit>

#include "kernel/abi/syscalls.hpp"
#include "kernel/console.hpp"
#include "kernel/mem/memory.hpp"
#include "kernel/object/pool.hpp"
#include "kernel/task/task.hpp"

namespace bramble::kobj {
namespace {

using abi::Error;

constexpr std::size_t kMaxFrames = 4096;
constexpr std::size_t kMaxMappings = 4096;

Pool<Frame, kMaxFrames> g_frames;
Mapping g_mappings[kMaxMappings];

std::uint64_t record_of(const cap::Capability& cap) { return cap.kernel_word(); }

void remove_mapping(std::uint64_t record, bool unmap) {
  Mapping& m = g_mappings[record - 1];
  if (unmap && m.task != nullptr) (void)m.task->space().unmap(m.vaddr, m.size);
  if (m.cap != nullptr) m.cap->set_kernel_word(0);
  m = Mapping{};
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
  Frame* frame = g_frames.create(*block, order, size, &quota, charged);
  if (frame == nullptr) {
    (void)kmem::frames().free(*block, order);
    return err(Error::OutOfMemory);
  }
  quota.charge(charged);
  return frame;
}

cap::Result<Frame*> Frame::create_device(mm::PhysAddr pa, std::uint64_t size, bool console) {
  Frame* frame = g_frames.create(pa, 0u, size, nullptr, std::uint64_t{0}, true, console);
  if (frame == nullptr) return err(Error::OutOfMemory);
  if (console) console::set_quiet(true);
  return frame;
}

void Frame::on_capability_deleted(const cap::Capability& cap) {
  if (record_of(cap) != 0) remove_mapping(record_of(cap), true);
}

void Frame::on_capability_moved(const cap::Capability&, const cap::Capability& to) {
  if (record_of(to) != 0) g_mappings[record_of(to) - 1].cap = const_cast<cap::Capability*>(&to);
}

void Frame::on_last_capability_deleted() {
  if (device_) {
    if (console_) console::set_quiet(false); // the driver is gone: the kernel speaks again
    g_frames.destroy(this);
    return;
  }
  (void)kmem::frames().free(physical_address(), order_);
  if (quota() != nullptr) quota()->refund(charged_);
  g_frames.destroy(this);
}

cap::Result<void> map_frame(Task& task, cap::Capability& cap, std::uint64_t vaddr, abi::MapPerms perms) {
  auto* frame = cap::object_cast<Frame>(cap.object());
  if (frame == nullptr) return err(Error::WrongType);
  if (record_of(cap) != 0) return err(Error::AlreadyMapped);
  std::size_t record = 0;
  while (record < kMaxMappings && g_mappings[record].task != nullptr) ++record;
  if (record == kMaxMappings) return err(Error::OutOfMemory);
  const std::uint64_t size = (frame->size() + abi::kPageSize - 1) & ~(abi::kPageSize - 1);
  mm::AddressSpace& space = task.space();
  const bool in_window = vaddr >= mm::kChannelWindowBase && vaddr < mm::kChannelWindowEnd;
  if (in_window && (perms & abi::kMapExecute) != 0) return err(Error::InvalidPermissions);
  if (frame->device() && in_window) return err(Error::InvalidAddress); // rings are Normal memory
  if (frame->device() && (perms & abi::kMapExecute) != 0) return err(Error::InvalidPermissions);
  const mm::MemType type = frame->device() ? mm::MemType::Device : mm::MemType::Normal;
  auto r = in_window ? space.map_channel(vaddr, frame->physical_address(), size, perms_for(perms))
                     : space.map(vaddr, frame->physical_address(), size, perms_for(perms), type);
  if (!r.ok()) return err(map_error(r.error()));
  g_mappings[record] = Mapping{&task, vaddr, size, &cap};
  cap.set_kernel_word(record + 1);
  return {};
}

cap::Result<void> unmap_at(Task& task, std::uint64_t vaddr) {
  for (std::size_t i = 0; i < kMaxMappings; ++i) {
    if (g_mappings[i].task == &task && g_mappings[i].vaddr == vaddr) {
      remove_mapping(i + 1, true);
      return {};
    }
  }
  return err(Error::NotMapped);
}

void forget_mappings(Task& task) {
  for (std::size_t i = 0; i < kMaxMappings; ++i) {
    if (g_mappings[i].task == &task) remove_mapping(i + 1, false);
  }
}

std::size_t frames_in_use() { return g_frames.in_use(); }
std::size_t mappings_in_use() {
  std::size_t n = 0;
  for (const auto& m : g_mappings) n += m.task != nullptr ? 1 : 0;
  return n;
}

} // namespace bramble::kobj
