// KernelOps over Bramble's system calls, for the ChannelBroker in the root task. Counts the calls it
// makes (what a setup costs); the audit clock is the generic timer's virtual count.
#pragma once

#include <cstdint>

#include "broker/kernel_ops.hpp"
#include "user/lib/sys.hpp"

namespace bramble::broker {

class SyscallOps final : public KernelOps {
public:
  explicit SyscallOps(Slot memory) : memory_(memory) {}

  KResult<Slot> memory_allocate(std::uint64_t size) override { return slot_of(sys(user::sys::memory_allocate(memory_, size))); }
  KResult<void> memory_map(Slot frame, std::uint64_t vaddr, abi::MapPerms perms) override {
    return done(sys(user::sys::memory_map(frame, vaddr, perms)));
  }
  KResult<void> memory_map_into(Slot task, Slot frame, std::uint64_t vaddr, abi::MapPerms perms) override {
    return done(sys(user::sys::memory_map_into(task, frame, vaddr, perms)));
  }
  KResult<void> memory_unmap(std::uint64_t vaddr) override { return done(sys(user::sys::memory_unmap(vaddr))); }
  KResult<Slot> cap_mint(Slot source, abi::Rights rights, abi::Badge badge) override {
    const Slot to = free_slot();
    if (to == 0) return err(abi::Error::TableFull);
    auto r = sys(user::sys::cap_mint(source, to, rights, badge));
    if (!r.ok()) return err(r.error());
    return to;
  }
  KResult<Slot> notification_create() override { return slot_of(sys(user::sys::notification_create(memory_))); }
  KResult<void> cap_insert_into(Slot task, Slot task_slot, Slot source, abi::Rights rights, abi::Badge badge) override {
    return done(sys(user::sys::cap_insert_into(task, task_slot, source, rights, badge)));
  }
  KResult<void> cap_revoke(Slot slot) override { return done(sys(user::sys::cap_revoke(slot))); }
  KResult<void> cap_delete(Slot slot) override { return done(sys(user::sys::cap_delete(slot))); }
  KResult<void> signal(Slot notification) override { return done(sys(user::sys::signal(notification))); }
  void* local(std::uint64_t vaddr) override { return reinterpret_cast<void*>(vaddr); }
  std::uint64_t now() override {
    std::uint64_t count;
    asm volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(count)); // ISB: not read early, out of order
    return count;
  }

  // The lowest empty slot of the root task's table (0 when full).
  Slot free_slot() {
    for (Slot s = 1;; ++s) {
      const auto info = sys(user::sys::cap_info(s));
      if (info.status == static_cast<std::uint64_t>(abi::Error::EmptySlot)) return s;
      if (info.status == static_cast<std::uint64_t>(abi::Error::InvalidSlot)) return 0;
    }
  }
  [[nodiscard]] std::uint64_t calls() const { return calls_; }

private:
  user::SyscallResult sys(user::SyscallResult r) {
    ++calls_;
    return r;
  }
  static KResult<Slot> slot_of(const user::SyscallResult& r) {
    if (!r.ok()) return err(r.error());
    return r.r1;
  }
  static KResult<void> done(const user::SyscallResult& r) {
    if (!r.ok()) return err(r.error());
    return {};
  }

  Slot memory_;
  std::uint64_t calls_ = 0;
};

} // namespace bramble::broker
