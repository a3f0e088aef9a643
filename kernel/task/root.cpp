#include "kernel/task/root.hpp"

#include "kernel/abi/syscalls.hpp"
#include "kernel/arch/memory_layout.hpp"
#include "kernel/arch/pmu.hpp"
#include "kernel/arch/semihosting.hpp"
#include "kernel/cap/cap_ops.hpp"
#include "kernel/cmdline.hpp"
#include "kernel/halt.hpp"
#include "kernel/loader/embedded.hpp"
#include "kernel/log.hpp"
#include "kernel/mem/memory.hpp"
#include "kernel/object/device.hpp"
#include "kernel/object/frame.hpp"
#include "kernel/object/notification.hpp"
#include "kernel/object/records.hpp"
#include "kernel/object/registry.hpp"
#include "kernel/panic.hpp"
#include "kernel/platform.hpp"
#include "kernel/task/scheduler.hpp"
#include "kernel/task/task.hpp"
#include "kernel/timer.hpp"
#include "lib/lazy.hpp"

namespace bramble::ktask::root {
namespace {

class RootQuota final : public cap::MemoryQuota {
public:
  explicit RootQuota(std::uint64_t limit) : MemoryQuota(limit) {}
  ~RootQuota() = default;
};

constexpr std::uint64_t kRootSlots = 256;
constexpr std::uint64_t kRootPriority = abi::kMaxPriority;
// Frames the root quota leaves unpromised. Every frame the kernel takes after boot is charged to some
// quota, so this is not for the kernel's own use: it is headroom against fragmentation, so that when
// the quotas say yes the buddy allocator still finds a contiguous block (a filled quota whose single
// pages come back one at a time must not starve a 64 KiB request for lack of an aligned run).
constexpr std::uint64_t kUnpromisedFrames = 1024;

Lazy<RootQuota> g_quota;
struct Ended {
  bool ended = false;
  char name[ktask::kTaskNameLength] = {};
  abi::TaskState state = abi::TaskState::Running;
  std::uint64_t code = 0;
  std::uint64_t detail = 0;
};
Ended g_ended;
std::uint64_t g_frames_before = 0;
bool g_reported = false;

void copy_string(char* out, std::size_t size, const char* in) {
  std::size_t i = 0;
  for (; in != nullptr && in[i] != '\0' && i + 1 < size; ++i)
    out[i] = in[i];
  out[i] = '\0';
}

void install(ktask::Task& task, std::uint64_t slot, cap::KernelObject& object) {
  auto op = cap::decode_install(task.caps(), slot, object);
  if (!op.ok())
    panic("root: cannot install slot %llu (error %u)", static_cast<unsigned long long>(slot),
          static_cast<unsigned>(op.error()));
  cap::invoke_install(*op);
}

const char* state_name(abi::TaskState s) {
  switch (s) {
  case abi::TaskState::Created: return "created";
  case abi::TaskState::Running: return "running";
  case abi::TaskState::Exited: return "exited";
  case abi::TaskState::Faulted: return "faulted";
  case abi::TaskState::Killed: return "killed";
  }
  return "?";
}

} // namespace

void create(const char* program, const BootFacts& info) {
  const loader::EmbeddedProgram* image = loader::find_embedded_program(program);
  if (image == nullptr) panic("root: no program '%s' is linked into the kernel", program);
  g_frames_before = kmem::frames().free_frames();

  // Every frame the kernel takes from here on is charged to a quota that descends from this one (the
  // root task's own record, tables and image included), so the quotas can never promise more frames
  // than the allocator has: no component can make the allocator run dry for the others.
  const std::uint64_t promised =
      g_frames_before > 2 * kUnpromisedFrames ? g_frames_before - kUnpromisedFrames : g_frames_before / 2;
  RootQuota& quota = g_quota.emplace(promised * abi::kPageSize);
  const ktask::TaskSpec spec{image->name, image->data, image->size, kRootSlots, kRootPriority, &quota, nullptr};
  auto task = ktask::create_task(spec);
  if (!task.ok()) panic("root: cannot create task '%s' (error %u)", program, static_cast<unsigned>(task.error()));
  ktask::Task& root = **task;
  root.is_root = true;

  abi::BootInfo boot{};
  boot.magic = abi::kBootInfoMagic;
  boot.version = abi::kBootInfoVersion;
  boot.size = sizeof(abi::BootInfo);
  boot.slot_self = 1;
  boot.slot_memory = 2;
  boot.slot_task_create = 3;
  boot.slot_registry = 4;
  boot.first_free_slot = 5;
  boot.slot_count = kRootSlots;
  boot.memory_bytes = quota.limit();
  boot.timer_frequency = info.timer_hz;
  const auto programs = loader::embedded_programs();
  boot.image_count = programs.size() < abi::kMaxBootImages ? programs.size() : abi::kMaxBootImages;
  for (std::size_t i = 0; i < boot.image_count; ++i) {
    copy_string(boot.images[i].name, abi::kImageNameLength, programs[i].name);
    boot.images[i].size = programs[i].size;
  }
  copy_string(boot.board, sizeof boot.board, platform::board_name());
  boot.slot_irq_control = 5;
  boot.first_free_slot = 6;
  for (const auto& d : platform::devices()) {
    if (boot.device_count == abi::kMaxBootDevices) break;
    abi::BootDevice& out = boot.devices[boot.device_count++];
    copy_string(out.name, sizeof out.name, d.name);
    out.size = d.size;
    out.irq = d.irq == drivers::kNoDeviceIrq ? ~std::uint64_t{0} : d.irq;
  }
  copy_string(boot.command_line, sizeof boot.command_line, cmdline::text());

  install(root, boot.slot_self, root);
  install(root, boot.slot_memory, quota);
  install(root, boot.slot_task_create, kobj::task_create_authority());
  install(root, boot.slot_registry, kobj::registry());
  install(root, boot.slot_irq_control, kobj::irq_control());

  auto page = ktask::give_read_only_page(root, abi::kBootInfoAddress);
  if (!page.ok()) panic("root: cannot map the boot info (error %u)", static_cast<unsigned>(page.error()));
  *static_cast<abi::BootInfo*>(*page) = boot;
  ktask::start_task(root, abi::kBootInfoAddress);
  if (pmu::running()) {
    kprintf("kernel: root task ready after %llu instructions (%llu cycles) since the command line was read\n",
            static_cast<unsigned long long>(pmu::instructions()), static_cast<unsigned long long>(pmu::cycles()));
  }
  kprintf("kernel: root task '%s' started (%llu KiB image, quota %llu MiB, %llu frames free)\n", program,
          static_cast<unsigned long long>(image->size >> 10), static_cast<unsigned long long>(quota.limit() >> 20),
          static_cast<unsigned long long>(kmem::frames().free_frames()));
}

void note_ended(const ktask::Task& task) {
  g_ended.ended = true;
  copy_string(g_ended.name, sizeof g_ended.name, task.name);
  g_ended.state = task.state;
  g_ended.code = task.exit_code;
  g_ended.detail = task.fault_detail;
}

void check_ended() {
  if (!g_ended.ended || g_reported) return;
  g_reported = true;
  const abi::TaskState state = g_ended.state;
  if (state == abi::TaskState::Exited) {
    kprintf("kernel: root task '%s' exited with code %llu\n", g_ended.name,
            static_cast<unsigned long long>(g_ended.code));
  } else {
    kprintf("kernel: root task '%s' %s (reason %llu, detail 0x%llx)\n", g_ended.name, state_name(state),
            static_cast<unsigned long long>(g_ended.code), static_cast<unsigned long long>(g_ended.detail));
  }
  const std::uint64_t free = kmem::frames().free_frames();
  const bool leak = free != g_frames_before;
  kprintf("kernel: frames free %llu, before root %llu%s; tasks %zu, frames objects %zu, notifications %zu, "
          "mappings %zu, object pages %zu\n",
          static_cast<unsigned long long>(free), static_cast<unsigned long long>(g_frames_before),
          leak ? " (LEAK)" : "", ktask::tasks_in_use(), kobj::frames_in_use(), kobj::notifications_in_use(),
          kobj::mappings_in_use(), kobj::object_pages_in_use());
  ktask::for_each_task(
      [](ktask::Task& t, void*) {
        kprintf("kernel: LEFT task '%s' %s, %u capabilities to it, resources %s\n", t.name, state_name(t.state),
                t.cap_count(), t.released ? "released" : "held");
      },
      nullptr);
  if (!semihosting::available()) return;
  halt::ExitCode code = halt::ExitCode::Fail;
  if (state == abi::TaskState::Exited && g_ended.code == 0 && !leak) code = halt::ExitCode::Pass;
  halt::finish(code);
}

} // namespace bramble::ktask::root
