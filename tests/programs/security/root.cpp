// security (root): reads the attack class from the command line (attack=<class>), builds its world
// and runs it, then checks that the root's quota and the machine's free frames are back where they
// were (the kernel checks at the root's exit that every frame came back).
#include "tests/programs/security/root.hpp"

namespace sec {

Word task_cost(World& w, Word slots) {
  // A generous probe quota: the creation either fits or the root's own quota is gone (a failure).
  const SyscallResult probe = ALLOWED("root: probe quota", sys::memory_split(w.root.memory, Word{8} << 20));
  if (!probe.ok()) return 0;
  const SyscallResult t =
      ALLOWED("root: probe task", sys::task_create(w.root.task_create, probe.r1, w.child_image, slots, 1, 0));
  const Word cost = used_of(probe.r1);
  if (t.ok()) (void)sys::cap_delete(t.r1);
  (void)sys::cap_delete(probe.r1);
  return page_round(cost);
}

Child spawn(World& w, Word slots, Word budget, Word end_bit, Word registry_prefix) {
  Child c{};
  Word memory = w.root.memory;
  if (budget != 0) {
    const Word cost = task_cost(w, slots);
    const SyscallResult q = ALLOWED("root: child quota", sys::memory_split(w.root.memory, cost + budget));
    if (!q.ok()) return c;
    c.quota = q.r1;
    memory = q.r1;
  }
  c.report = task::free_slot();
  CHECK_OK(sys::cap_mint(w.events, c.report, abi::kRightSignal, end_bit));
  const SyscallResult t =
      ALLOWED("root: task_create for a child",
              sys::task_create(w.root.task_create, memory, w.child_image, slots, kChildPriority, c.report));
  if (!t.ok()) return c;
  c.task = t.r1;
  const Word hold_badge = end_bit << 8;
  const bool given =
      sys::cap_insert_into(c.task, kSlotMemory, memory, abi::kRightControl | abi::kRightGrant | abi::kRightAudit, 0)
          .ok() &&
      sys::cap_insert_into(c.task, kSlotTaskCreate, w.root.task_create, abi::kRightControl, 0).ok() &&
      sys::cap_insert_into(c.task, kSlotRegistry, w.root.registry,
                           abi::kRightRead | abi::kRightWrite | abi::kRightGrant,
                           abi::registry_badge(registry_prefix, 8))
          .ok() &&
      sys::cap_insert_into(c.task, kSlotGo, w.go, abi::kRightWait, 0).ok() &&
      sys::cap_insert_into(c.task, kSlotDone, w.events, abi::kRightSignal, hold_badge).ok() &&
      sys::cap_insert_into(c.task, kSlotEnded, w.events, abi::kRightSignal, kGrandchildBit).ok() &&
      sys::cap_insert_into(c.task, kSlotSelf, c.task, abi::kRightControl | abi::kRightAudit, 0).ok();
  CHECK(given);
  return c;
}

bool start(World& w, Child& c, Role role, Attack attack) {
  if (c.task == 0) return false;
  c.started = ALLOWED("root: task_start", sys::task_start(c.task, argument(role, attack, w.child_image))).ok();
  return c.started;
}

Word await_any(World& w, Word bits) {
  while ((w.seen & bits) == 0) {
    const SyscallResult r = sys::wait(w.events);
    if (!r.ok()) return 0;
    w.seen |= r.r1;
  }
  const Word got = w.seen & bits;
  w.seen &= ~got;
  return got;
}

bool await_hold(World& w) {
  const Word got = await_any(w, kAttackerHoldBit | kAttackerEndBit);
  if ((got & kAttackerEndBit) != 0) w.seen |= kAttackerEndBit; // finish() still wants it
  return VERDICT("root: the attacker reached its hold point alive", (got & kAttackerHoldBit) != 0);
}

void finish(World& w, Child& c, Word end_bit, bool send_go) {
  if (c.started) {
    if (send_go) (void)sys::signal(w.go);
    (void)await_any(w, end_bit);
    const SyscallResult s = sys::task_status(c.task);
    print("security: child ended: state %llu, code %llu\n", static_cast<unsigned long long>(s.r1),
          static_cast<unsigned long long>(s.r2));
    VERDICT("root: the child exited 0 (all of its own checks passed)",
            s.ok() && s.r1 == static_cast<Word>(abi::TaskState::Exited) && s.r2 == 0);
  }
  release(c);
  (void)sys::poll(w.go); // a go the child never consumed
}

void release(Child& c) {
  if (c.task != 0) CHECK_OK(sys::cap_delete(c.task));
  if (c.report != 0) CHECK_OK(sys::cap_delete(c.report));
  if (c.quota != 0) CHECK_OK(sys::cap_delete(c.quota));
  c = Child{};
}

void root_keeps_working(World& w, const char* when) {
  print("security: checking that the root and an honest component still work (%s)\n", when);
  const Word map_at = task::kTestMapBase + kPage; // beside run()'s anchor: no new page table
  const SyscallResult f = ALLOWED("root: memory_allocate 4 KiB", sys::memory_allocate(w.root.memory, kPage));
  if (f.ok() && ALLOWED("root: memory_map", sys::memory_map(f.r1, map_at, abi::kMapRead | abi::kMapWrite)).ok()) {
    *task::at<volatile Word>(map_at) = 0x5EC;
    CHECK_EQ(*task::at<volatile Word>(map_at), 0x5EC);
    CHECK_OK(sys::memory_unmap(map_at));
  }
  const SyscallResult n = ALLOWED("root: notification_create", sys::notification_create(w.root.memory));
  const SyscallResult s = ALLOWED("root: memory_split 4 KiB", sys::memory_split(w.root.memory, kPage));
  if (s.ok()) (void)sys::cap_delete(s.r1);
  const SyscallResult t =
      ALLOWED("root: task_create", sys::task_create(w.root.task_create, w.root.memory, w.child_image, 8, 1, 0));
  if (t.ok()) (void)sys::cap_delete(t.r1);
  if (f.ok() && n.ok()) {
    const Word name = kRootPrefix | 1;
    if (ALLOWED("root: shmem_register", sys::shmem_register(w.root.registry, name, f.r1, n.r1)).ok()) {
      const SyscallResult q = ALLOWED("root: shmem_query", sys::shmem_query(w.root.registry, name));
      if (q.ok()) {
        (void)sys::cap_delete(q.r1);
        (void)sys::cap_delete(q.r2);
      }
      CHECK_OK(sys::cap_revoke(f.r1)); // withdraws the entry
    }
  }
  if (f.ok()) (void)sys::cap_delete(f.r1);
  if (n.ok()) (void)sys::cap_delete(n.r1);

  Child honest = spawn(w, 16, kBudget, kHonestEndBit, kHonestPrefix);
  (void)start(w, honest, kHonest, kAttackCount);
  finish(w, honest, kHonestEndBit, false);
}

Child ended_victim(World& w, Role role, Word end_bit) {
  Child v = spawn(w, 8, 0, end_bit, kRootPrefix);
  if (start(w, v, role, kAttackCount)) (void)await_any(w, end_bit);
  return v;
}

void run_simple(World& w, Attack attack, Word slots, Word budget) {
  Child c = spawn(w, slots, budget, kAttackerEndBit, kAttackerPrefix);
  if (start(w, c, kAttacker, attack) && await_hold(w)) root_keeps_working(w, "while the attacker holds what it took");
  finish(w, c, kAttackerEndBit, true);
}

} // namespace sec

namespace {

using namespace sec;

// The value of `key=` on the command line, copied into out (empty when absent).
void option(const char* line, const char* key, char* out, unsigned size) {
  out[0] = '\0';
  for (const char* p = line; *p != '\0'; ++p) {
    if (p != line && p[-1] != ' ') continue;
    const char* k = key;
    const char* q = p;
    while (*k != '\0' && *q == *k)
      ++k, ++q;
    if (*k != '\0' || *q != '=') continue;
    unsigned i = 0;
    for (++q; *q != '\0' && *q != ' ' && i + 1 < size; ++q)
      out[i++] = *q;
    out[i] = '\0';
    return;
  }
}

int run(const void* startup) {
  World w{};
  if (!CHECK(task::read_root(startup, kRootProgram, w.root))) return check::summary(kRootProgram);
  w.child_image = task::find_image(*w.root.boot, kChildProgram);
  if (!CHECK(w.child_image != task::kNoImage)) return check::summary(kRootProgram);
  char name[32];
  option(w.root.boot->command_line, "attack", name, sizeof name);
  Word attack = 0;
  for (Word i = 1; i < kAttackCount; ++i) {
    if (task::same_string(name, kAttackNames[i])) attack = i;
  }
  if (!CHECK(attack != 0)) {
    print("security: unknown attack class '%s'\n", name);
    return check::summary(kRootProgram);
  }
  w.events = CHECK_OK(sys::notification_create(w.root.memory)).r1;
  w.go = CHECK_OK(sys::notification_create(w.root.memory)).r1;
  // The root's own mappings go beside this page, so the page tables they need exist before the
  // baseline is taken (the churn and hoard classes check page tables on their own).
  const Word anchor = CHECK_OK(sys::memory_allocate(w.root.memory, kPage)).r1;
  CHECK_OK(sys::memory_map(anchor, task::kTestMapBase, abi::kMapRead));
  const Word used_before = used_of(w.root.memory);
  const Word free_before = free_frames(w.root.memory);
  print("security: attack class '%s': quota used %llu bytes, %llu frames free\n", name,
        static_cast<unsigned long long>(used_before), static_cast<unsigned long long>(free_before));

  switch (attack) {
  case kEndedTask: run_ended_task(w); break;
  case kRevokeGrant: run_revoke_grant(w); break;
  case kBoundaries: run_boundaries(w); break;
  // The flood classes need a table that can hold what the quota could pay for on a broken kernel.
  case kPoolNotifications: run_simple(w, static_cast<Attack>(attack), 1100, kBudget); break;
  case kPoolMappings: run_simple(w, static_cast<Attack>(attack), 4096, kBudget); break;
  case kRegistryFlood: run_simple(w, static_cast<Attack>(attack), 64, kBudget); break;
  case kPoolTasks: run_simple(w, static_cast<Attack>(attack), 512, kBudget + task_cost(w, kGrandchildSlots)); break;
  default: run_simple(w, static_cast<Attack>(attack), 256, kBudget); break;
  }

  // Everything the class made is gone again: the root's quota and the machine are as before.
  VERDICT("root: quota use back to its value before the attack", used_of(w.root.memory) == used_before);
  VERDICT("root: free frames back to their value before the attack", free_frames(w.root.memory) == free_before);
  CHECK_OK(sys::cap_delete(anchor));
  CHECK_OK(sys::cap_delete(w.go));
  CHECK_OK(sys::cap_delete(w.events));
  return check::summary(kRootProgram);
}

} // namespace

int main(const void* startup) {
  if (!task::is_root(startup)) return 1; // children come from security_child
  return run(startup);
}
