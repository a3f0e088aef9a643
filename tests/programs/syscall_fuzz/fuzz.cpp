// The EL0 system-call fuzzer (docs/fuzzing.md). The root task starts a worker that issues random system
// calls: valid and invalid numbers, random slots, types, rights, badges, sizes, and addresses that
// are mapped, unmapped, in the kernel, misaligned or huge, in sequences that create, derive, map,
// revoke and delete. A worker that the kernel kills (a bad call number, task_exit, or its own random
// unmap of the page it counts in) is replaced by a new one, until the requested number of calls has
// been made. Everything is deterministic from its seed (-append "seed=N calls=N"), printed first, so
// any failure replays. The kernel checks its capability invariants every few calls (capcheck=N on
// the command line) and, when the root exits, that every frame came back.
//
// With smp=1 the root runs one worker per online core at once, each pinned to its core, with its own
// stream of calls: worker i's stream follows from seed + i (printed), so each worker's calls replay,
// while how the cores interleave them does not.
#include <cstdint>

#include "lib/cmdline.hpp"
#include "user/lib/counter.hpp"
#include "user/lib/sys.hpp"
#include "user/lib/task.hpp"
#include "user/runtime/print.hpp"

namespace {

using namespace bramble;
using namespace bramble::user;
using task::Word;

// The worker's slots (its table has kWorkerSlots).
constexpr Word kWorkerSlots = 48;
constexpr Word kSlotMemory = 1, kSlotTaskCreate = 2, kSlotRegistry = 3, kSlotNotification = 4, kSlotSelf = 5;
constexpr Word kProgressAddress = task::kTestMapBase;       // one page shared with the root
constexpr Word kArenaBase = task::kTestMapBase + 0x20'0000; // where the worker maps things
constexpr Word kChildRole = 0xC41D;

struct Progress {
  volatile Word calls; // calls made by this worker
  volatile Word seed;  // the worker's stream
};

// The worker's task_start argument: its seed, with this program's image index in the top byte (for
// its own task_create calls).
constexpr unsigned kImageShift = 56;
constexpr Word kSeedMask = (Word{1} << kImageShift) - 1;

// Roles of the tasks a worker creates (task_start's argument): they exit at once, yield a while and
// exit, make a bad call (Faulted), wait on their slot 1 (until the worker's capability goes), or wait
// on it with a deadline a few ticks away (often killed while the deadline is armed).
enum ChildRole : Word { kChildExit = kChildRole, kChildYield, kChildFault, kChildWait, kChildTimedWait, kChildRoles };

// xorshift64*: small, fast, and the same sequence on every machine.
struct Random {
  Word state;
  Word next() {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545F4914F6CDD1Dull;
  }
  Word below(Word n) { return n == 0 ? 0 : next() % n; }
  bool one_in(Word n) { return below(n) == 0; }
};

// ---- the worker -----------------------------------------------------------------------------------

Word random_slot(Random& r) {
  switch (r.below(8)) {
  case 0: return 0;                           // the null slot
  case 1: return kWorkerSlots + r.below(100); // out of range
  case 2: return r.next();                    // anything
  default: return 1 + r.below(kWorkerSlots - 1);
  }
}

// wait_timeout's ticks: 0 (a poll), up to ~3 ms (a real sleep that ends by itself, so the worker
// never parks for long), or above abi::kMaxWaitTicks (InvalidSize). Never a random value at or below
// the bound: that could be a wait of years.
Word random_ticks(Random& r) {
  switch (r.below(4)) {
  case 0: return 0;
  case 1: return abi::kMaxWaitTicks + 1 + r.below(1000);
  case 2: return r.next() | (Word{1} << 63);
  default: return 1 + r.below(counter_frequency() / 300);
  }
}

Word random_address(Random& r) {
  switch (r.below(10)) {
  case 0: return 0;
  case 1: return 0xFFFF'FF80'0000'0000ull + r.below(1u << 30) * 4096; // the kernel
  case 2: return 0x80'0000'0000ull + r.below(1u << 20) * 4096;        // beyond the user half
  case 3: return kArenaBase + r.below(64) * 4096 + 1 + r.below(4095); // misaligned
  case 4: return 0x9000'0000ull + r.below(64) * 4096;                 // the channel window
  case 5: return r.next();
  case 6: return 0x40'0000 + r.below(16) * 4096;    // the program itself
  default: return kArenaBase + r.below(256) * 4096; // the arena
  }
}

Word random_size(Random& r) {
  switch (r.below(6)) {
  case 0: return 0;
  case 1: return r.next();
  case 2: return 1 + r.below(8192);
  default: return (1 + r.below(8)) * 4096;
  }
}

// A core for task_set_core / cpu_info: mostly real ones (0..3, any), sometimes none.
Word random_core(Random& r) {
  switch (r.below(8)) {
  case 0: return abi::kAnyCore;
  case 1: return r.one_in(2) ? abi::kMaxCores + r.below(8) : r.next();
  default: return r.below(abi::kMaxCores);
  }
}

Word random_rights(Random& r) { return r.one_in(4) ? r.next() : r.below(256); }
Word random_badge(Random& r) { return r.one_in(3) ? 0 : (r.one_in(4) ? r.next() : r.below(1u << 16)); }
Word random_name(Random& r) { return r.one_in(4) ? r.next() : (r.below(8) << 56) | r.below(4); }

char g_text[] = "fuzz\n";

// What the worker made on purpose, so that later calls reach tasks (often ended ones), quotas and
// frames that exist. A slot may since hold something else or nothing: that is one more case.
struct Made {
  Word tasks[4];
  Word quotas[4];
  Word frames[4];
  Word notification;
  unsigned next;
};
Made g_made;

Word pick(Random& r, const Word (&slots)[4]) {
  const Word slot = slots[r.below(4)];
  return slot != 0 && !r.one_in(8) ? slot : random_slot(r);
}
void remember(Word (&slots)[4], Word slot) { slots[g_made.next++ % 4] = slot; }

// Task lifecycle, quotas, the registry and calls on ended tasks: one of them at random.
void lifecycle_call(Random& r, Word image) {
  switch (r.below(7)) {
  case 0: {
    // A task from this program (or another image), started in a random role or left Created.
    const Word memory = r.one_in(3) ? pick(r, g_made.quotas) : kSlotMemory;
    const SyscallResult t =
        sys::task_create(kSlotTaskCreate, memory, r.one_in(16) ? r.below(40) : image, 2 + r.below(8),
                         r.one_in(2) ? abi::kMaxPriority : r.below(32), r.one_in(2) ? kSlotNotification : 0);
    if (!t.ok()) break;
    remember(g_made.tasks, t.r1);
    if (!r.one_in(4)) (void)sys::task_start(t.r1, kChildExit + r.below(kChildRoles - kChildExit));
    break;
  }
  case 1:
    // End one: deleting its capability kills it (when it was the last); or let it run a little.
    if (r.one_in(2))
      (void)sys::cap_delete(pick(r, g_made.tasks));
    else
      for (Word i = r.below(4); i > 0; --i)
        (void)sys::yield();
    break;
  case 2: {
    // Calls on a task that has often ended: its table, its address space, its state.
    const Word t = pick(r, g_made.tasks);
    switch (r.below(8)) {
    case 0: {
      const Word sources[] = {kSlotNotification, kSlotMemory, pick(r, g_made.frames), random_slot(r), t};
      // Rights 0 are a subset of any source's: the insert then gets past the rights check.
      (void)sys::cap_insert_into(t, r.one_in(8) ? r.next() : 1 + r.below(10), sources[r.below(5)],
                                 r.one_in(2) ? 0 : random_rights(r), r.one_in(2) ? 0 : random_badge(r));
      break;
    }
    case 1:
      (void)sys::memory_map_into(t, pick(r, g_made.frames), kArenaBase + r.below(64) * 4096, 1 + r.below(3));
      break;
    case 2: (void)sys::task_start(t, kChildExit + r.below(kChildRoles - kChildExit)); break;
    case 3: (void)sys::task_status(t); break;
    case 4: (void)sys::task_info(t); break;
    case 5: (void)sys::task_set_core(r.one_in(8) ? kSlotSelf : t, random_core(r)); break;
    case 6: (void)sys::task_core(t); break;
    default: (void)sys::cap_info(t); break;
    }
    break;
  }
  case 3: {
    // Split a sub-quota (sometimes off another one, then drop the parent: a chain).
    const bool chain = r.one_in(2);
    const Word parent = chain ? pick(r, g_made.quotas) : kSlotMemory;
    const SyscallResult q = sys::memory_split(parent, r.one_in(8) ? random_size(r) : (1 + r.below(64)) * 4096);
    if (!q.ok()) break;
    if (chain && parent != kSlotMemory && r.one_in(2)) (void)sys::cap_delete(parent);
    remember(g_made.quotas, q.r1);
    break;
  }
  case 4: {
    // Something to register: a frame (from the quota or a sub-quota) and a notification.
    const SyscallResult f = sys::memory_allocate(r.one_in(2) ? kSlotMemory : pick(r, g_made.quotas), 4096);
    if (f.ok()) remember(g_made.frames, f.r1);
    if (g_made.notification == 0 || r.one_in(8)) {
      const SyscallResult n = sys::notification_create(kSlotMemory);
      if (n.ok()) g_made.notification = n.r1;
    }
    break;
  }
  case 5: {
    // Register and query a small set of names, so that names collide and entries are found.
    const Word name = (Word{0xAB} << 56) | r.below(16);
    if (r.one_in(2))
      (void)sys::shmem_register(kSlotRegistry, name, pick(r, g_made.frames),
                                g_made.notification != 0 ? g_made.notification : random_slot(r));
    else if (const SyscallResult q = sys::shmem_query(kSlotRegistry, name); q.ok() && !r.one_in(4)) {
      (void)sys::cap_delete(q.r1);
      (void)sys::cap_delete(q.r2);
    }
    break;
  }
  default: {
    // Map and unmap at spread-out 2 MiB-aligned addresses: page tables come and go.
    const Word at = kArenaBase + (1 + r.below(256)) * 0x20'0000;
    if (sys::memory_map(pick(r, g_made.frames), at, abi::kMapRead).ok() && !r.one_in(8)) (void)sys::memory_unmap(at);
    break;
  }
  }
}

// One random call. Returns false when the worker should stop (it never does by itself: the kernel
// may end it).
void one_call(Random& r, Word image) {
  switch (r.below(30)) {
  case 0: {
    // Readable text is printed, so only a known string is ever readable here; every other address
    // is one the kernel must refuse (kernel, beyond the user half) or find unmapped (the arena).
    const Word choices[] = {reinterpret_cast<Word>(g_text), 0xFFFF'FF80'0008'0000ull, 0x80'0000'0000ull,
                            kArenaBase + 0x100'0000 + r.below(64) * 4096, r.next() | (Word{1} << 63)};
    const Word pick = r.one_in(500) ? 0 : 1 + r.below(4);
    (void)sys::debug_write(choices[pick], pick == 0 ? sizeof g_text - 1 : r.below(64));
    break;
  }
  case 1: (void)sys::yield(); break;
  case 2: (void)sys::memory_allocate(r.one_in(3) ? kSlotMemory : random_slot(r), random_size(r)); break;
  case 3: (void)sys::memory_map(random_slot(r), random_address(r), r.below(16)); break;
  case 4: (void)sys::memory_map_into(random_slot(r), random_slot(r), random_address(r), r.below(16)); break;
  case 5: (void)sys::memory_unmap(r.one_in(5000) ? kProgressAddress : random_address(r)); break;
  case 6: (void)sys::notification_create(r.one_in(3) ? kSlotMemory : random_slot(r)); break;
  case 7: (void)sys::signal(random_slot(r)); break;
  case 8: {
    // wait only after a successful signal on the same slot: the word is then non-zero and the call
    // returns (a wait nobody signals would just park the worker).
    const Word slot = random_slot(r);
    if (sys::signal(slot).ok()) (void)sys::wait(slot);
    break;
  }
  case 9:
    if (r.one_in(2))
      (void)sys::poll(random_slot(r));
    else
      (void)sys::wait_timeout(random_slot(r), random_ticks(r));
    break;
  case 10: (void)sys::cap_copy(random_slot(r), random_slot(r)); break;
  case 11: (void)sys::cap_mint(random_slot(r), random_slot(r), random_rights(r), random_badge(r)); break;
  case 12: (void)sys::cap_move(random_slot(r), random_slot(r)); break;
  case 13:
    // Never delete the worker's own basic capabilities too often, or every run degenerates.
    (void)sys::cap_delete(r.one_in(4) ? random_slot(r) : kSlotNotification + 2 + r.below(kWorkerSlots - 7));
    break;
  case 14: (void)sys::cap_revoke(random_slot(r)); break;
  case 15:
    (void)sys::cap_insert_into(random_slot(r), random_slot(r), random_slot(r), random_rights(r), random_badge(r));
    break;
  case 16: (void)sys::cap_info(random_slot(r)); break;
  case 17:
    (void)sys::shmem_register(r.one_in(2) ? kSlotRegistry : random_slot(r), random_name(r), random_slot(r),
                              random_slot(r));
    break;
  case 18: (void)sys::shmem_query(r.one_in(2) ? kSlotRegistry : random_slot(r), random_name(r)); break;
  case 19:
    (void)sys::task_create(r.one_in(2) ? kSlotTaskCreate : random_slot(r), r.one_in(2) ? kSlotMemory : random_slot(r),
                           r.one_in(2) ? image : r.below(40), r.one_in(2) ? 2 + r.below(16) : r.next(), r.below(40),
                           r.one_in(2) ? 0 : random_slot(r));
    break;
  case 20: (void)sys::task_start(random_slot(r), kChildRole); break;
  case 21: (void)sys::task_status(random_slot(r)); break;
  case 22:
    if (r.one_in(5000)) (void)sys::raw_call(r.one_in(2) ? 0 : 24 + r.below(200)); // killed: a bad number
    break;
  case 23:
    if (r.one_in(20000)) sys::task_exit(static_cast<std::int64_t>(r.below(100)));
    break;
  case 24: (void)sys::cpu_info(r.one_in(2) ? kSlotMemory : random_slot(r), random_core(r)); break;
  case 26:
  case 27:
  case 28:
  case 29: lifecycle_call(r, image); break;
  default: {
    // Raw registers: a valid number with random arguments in every register (not the blocking waits:
    // wait parks for good, and a random wait_timeout below its bound can last for years).
    const Word numbers[] = {1,  2,  16, 17, 18, 19, 32, 33, 35, 48, 49, 50,
                            51, 52, 53, 54, 64, 65, 80, 81, 83, 85, 86, 112};
    const Word n = numbers[r.below(sizeof numbers / sizeof numbers[0])];
    (void)syscall6(static_cast<abi::Syscall>(n), r.next(), r.next(), r.next(), r.next(), r.next(), r.next());
    break;
  }
  }
}

[[noreturn]] void worker(Word seed, Word image) {
  auto* progress = task::at<Progress>(kProgressAddress);
  Random r{seed | 1};
  for (;;) {
    one_call(r, image);
    progress->calls = progress->calls + 1;
  }
}

// ---- the root -------------------------------------------------------------------------------------

// One worker place: the worker running there now (if any), its progress page, its stream of seeds.
struct Place {
  Word core = abi::kAnyCore; // where its workers are pinned (kAnyCore: not pinned, one worker only)
  Word progress_frame = 0;   // mapped at kProgressAddress + index pages in the root
  Progress* progress = nullptr;
  Random streams{};
  Word worker = 0; // the running worker's task slot, 0 when none
  Word view = 0;   // its view of the progress page
  Word own = 0;    // its notification
};

// Makes and starts a worker in `p`; false when the kernel refused (the root gives up: a failure).
bool start_worker(const task::Root& root, Word ended, Place& p) {
  const SyscallResult made = task::create(root, kWorkerSlots, abi::kMaxPriority, ended);
  if (!made.ok()) {
    print("syscall_fuzz: FAIL cannot create a worker (error %llu)\n", static_cast<unsigned long long>(made.status));
    return false;
  }
  const Word w = made.r1;
  const bool given = sys::cap_insert_into(w, kSlotMemory, root.memory, abi::kRightControl, 0).ok() &&
                     sys::cap_insert_into(w, kSlotTaskCreate, root.task_create, abi::kRightControl, 0).ok() &&
                     sys::cap_insert_into(w, kSlotRegistry, root.registry, abi::kRightRead | abi::kRightWrite,
                                          abi::registry_badge(Word{0xAB} << 56, 8))
                         .ok() &&
                     sys::cap_insert_into(w, kSlotSelf, w, abi::kRightControl | abi::kRightAudit, 0).ok();
  const Word view = task::share(w, p.progress_frame, kProgressAddress, abi::kMapRead | abi::kMapWrite);
  const SyscallResult own = sys::notification_create(root.memory);
  const bool notification =
      own.ok() && sys::cap_insert_into(w, kSlotNotification, own.r1, abi::kRightSignal | abi::kRightWait, 0).ok();
  const bool placed = p.core == abi::kAnyCore || sys::task_set_core(w, p.core).ok();
  if (!given || view == 0 || !notification || !placed) {
    print("syscall_fuzz: FAIL cannot set up a worker\n");
    return false;
  }
  p.progress->calls = 0;
  p.progress->seed = (p.streams.next() & kSeedMask) | root.image << kImageShift;
  if (!sys::task_start(w, p.progress->seed).ok()) return false;
  p.worker = w;
  p.view = view;
  p.own = own.r1;
  return true;
}

// Ends the worker in `p` (deleting its last capability destroys it with everything it held).
void end_worker(Place& p) {
  (void)sys::cap_delete(p.worker);
  (void)sys::cap_delete(p.view);
  (void)sys::cap_delete(p.own);
  p.worker = p.view = p.own = 0;
}

int run_root(const void* startup) {
  task::Root root{};
  if (!task::read_root(startup, "syscall_fuzz", root)) return 90;
  const cmdline::CommandLine command(root.boot->command_line);
  const Word seed = command.number("seed", 1);
  const Word calls = command.number("calls", 100000);
  print("syscall_fuzz: seed %llu, %llu calls\n", static_cast<unsigned long long>(seed),
        static_cast<unsigned long long>(calls));

  // One place per online core with smp=1 (each pinned there), else one unpinned place.
  Place places[abi::kMaxCores];
  Word place_count = 1;
  if (command.number("smp", 0) != 0) {
    place_count = 0;
    for (Word core = 0; core < abi::kMaxCores; ++core) {
      if ((sys::cpu_info(root.memory, core).r1 & abi::kCpuOnline) != 0) places[place_count++].core = core;
    }
  }
  for (Word i = 0; i < place_count; ++i) {
    Place& p = places[i];
    const Word at = kProgressAddress + i * abi::kPageSize;
    p.progress_frame = task::map_new(root, 4096, at, abi::kMapRead | abi::kMapWrite);
    if (p.progress_frame == 0) return 91;
    p.progress = task::at<Progress>(at);
    p.streams = Random{(seed + i) * 0x9E3779B97F4A7C15ull + 1};
    if (place_count > 1)
      print("syscall_fuzz: worker %llu on core %llu, seed %llu\n", static_cast<unsigned long long>(i),
            static_cast<unsigned long long>(p.core), static_cast<unsigned long long>(seed + i));
  }
  const SyscallResult ended_made = sys::notification_create(root.memory);
  if (!ended_made.ok()) return 93;
  const Word ended = ended_made.r1;
  // The calls of the workers that ended, and of those running now.
  Word finished = 0, workers = 0, killed = 0, exited = 0;
  auto total = [&] {
    Word n = finished;
    for (Word i = 0; i < place_count; ++i)
      if (places[i].worker != 0) n += places[i].progress->calls;
    return n;
  };
  // The workers run at the root's priority: the root yields to the one on its core and looks at every
  // worker's progress once per time slice (the root cannot block: nothing a worker holds is
  // guaranteed to survive it).
  while (total() < calls) {
    for (Word i = 0; i < place_count; ++i) {
      Place& p = places[i];
      if (p.worker == 0) {
        if (!start_worker(root, ended, p)) return 1;
        ++workers;
        continue;
      }
      const SyscallResult status = sys::task_status(p.worker);
      if (status.ok() && status.r1 == static_cast<Word>(abi::TaskState::Running)) continue;
      if (status.ok() && status.r1 == static_cast<Word>(abi::TaskState::Faulted))
        ++killed;
      else
        ++exited;
      finished += p.progress->calls;
      end_worker(p);
      (void)sys::poll(ended);
    }
    (void)sys::yield();
  }
  for (Word i = 0; i < place_count; ++i) {
    if (places[i].worker == 0) continue;
    finished += places[i].progress->calls;
    end_worker(places[i]);
  }
  (void)sys::poll(ended);
  print("syscall_fuzz: %llu calls by %llu workers (%llu killed by the kernel, %llu ended otherwise): 0 kernel "
        "failures\n",
        static_cast<unsigned long long>(finished), static_cast<unsigned long long>(workers),
        static_cast<unsigned long long>(killed), static_cast<unsigned long long>(exited));
  (void)sys::cap_delete(ended);
  for (Word i = 0; i < place_count; ++i) {
    (void)sys::memory_unmap(kProgressAddress + i * abi::kPageSize);
    (void)sys::cap_delete(places[i].progress_frame);
  }
  return 0;
}

} // namespace

int main(const void* startup) {
  if (task::is_root(startup)) return run_root(startup);
  const Word argument = reinterpret_cast<Word>(startup);
  switch (argument) { // a task the worker created and started
  case kChildExit: return 0;
  case kChildYield:
    for (int i = 0; i < 64; ++i)
      (void)sys::yield();
    return 0;
  case kChildFault: (void)sys::raw_call(99); return 1;
  case kChildWait: return static_cast<int>(sys::wait(1).status);
  case kChildTimedWait: return static_cast<int>(sys::wait_timeout(1, counter_frequency() / 100).status); // 10 ms
  default: break;
  }
  // The worker (or a task some worker started with a random argument: a worker of its own).
  worker(argument & kSeedMask, argument >> kImageShift);
}
