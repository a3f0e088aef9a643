// KernelOps over Bramble's system calls, for the ChannelBroker in the root task. Counts the calls it
// makes (what a setup costs); the audit clock is the generic timer's virtual count.
#pragma once

#include <cstdint>

#include "broker/kernel_ops.hpp"
#include "user/lib/counter.hpp"
#include "user/lib/sys.hpp"

namespace bramble::broker {

class SyscallOps final : public KernelOps {
public:
  explicit SyscallOps(Slot memory) : memory_(memory) {}

  KResult<Slot> memory_allocate(std::uint64_t size) override {
    return slot_of(sys(user::sys::memory_allocate(memory_, size)));
  }
  KResult<Slot> memory_split(std::uint64_t bytes) override {
    return slot_of(sys(user::sys::memory_split(memory_, bytes)));
  }
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
  KResult<Published> shmem_query(Slot registry, std::uint64_t name) override {
    auto r = sys(user::sys::shmem_query(registry, name));
    if (!r.ok()) return err(r.error());
    return Published{r.r1, r.r2};
  }
  KResult<std::uint64_t> frame_size(Slot frame) override {
    auto r = sys(user::sys::cap_info(frame));
    if (!r.ok()) return err(r.error());
    if ((r.r1 & 0xff) != static_cast<std::uint64_t>(abi::CapType::Frame)) return err(abi::Error::WrongType);
    return r.r2;
  }
  void* local(std::uint64_t vaddr) override { return reinterpret_cast<void*>(vaddr); }
  std::uint64_t now() override { return user::virtual_count(); }

  // An empty slot of the root task's table below the limit (0 when there is none). Next fit: the
  // search goes on from the last slot handed out and wraps once, so a busy table is not rescanned
  // from slot 1 for every capability (that scan was most of a channel set-up's kernel calls).
  Slot free_slot() {
    for (int pass = 0; pass < 2; ++pass) {
      for (Slot s = pass == 0 ? cursor_ : 1; pass == 0 || s < cursor_; ++s) {
        if (limit_ != 0 && s >= limit_) break;
        const auto info = sys(user::sys::cap_info(s));
        if (info.status == static_cast<std::uint64_t>(abi::Error::EmptySlot)) {
          cursor_ = s + 1;
          return s;
        }
        if (info.status == static_cast<std::uint64_t>(abi::Error::InvalidSlot)) break;
      }
    }
    return 0;
  }
  // Slots from `limit` up are someone else's to fill (the broker installs the root's own channel
  // capabilities there: System::adopt_root).
  void keep_slots_from(Slot limit) { limit_ = limit; }
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
  Slot cursor_ = 1;
  Slot limit_ = 0;
};

} // namespace bramble::broker
