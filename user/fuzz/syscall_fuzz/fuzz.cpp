// The EL0 system-call fuzzer (issue 9). The root task starts a worker that issues random system
// calls: valid and invalid numbers, random slots, types, rights, badges, sizes, and addresses that
// are mapped, unmapped, in the kernel, misaligned or huge, in sequences that create, derive, map,
// revoke and delete. A worker that the kernel kills (a bad call number, task_exit, or its own random
// unmap of the page it counts in) is replaced by a new one, until the requested number of calls has
// been made. Everything is deterministic from the seed (-append "seed=N calls=N"), printed first, so
// any failure replays. The kernel checks its capability invariants every few calls (capcheck=N on
// the command line) and, when the root exits, that every frame came back.
#include <cstdint>

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
  volatile Word calls;     // calls made by this worker
  volatile Word seed;      // the worker's stream
};

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

Word parse_option(const char* line, const char* key, Word fallback) {
  for (const char* p = line; *p != '\0'; ++p) {
    const char* k = key;
    const char* q = p;
    while (*k != '\0' && *q == *k) {
      ++k;
      ++q;
    }
    if (*k != '\0' || *q != '=' || (p != line && p[-1] != ' ')) continue;
    Word value = 0;
    for (++q; *q >= '0' && *q <= '9'; ++q) value = value * 10 + static_cast<Word>(*q - '0');
    return value;
  }
  return fallback;
}

// ---- the worker -----------------------------------------------------------------------------------

Word random_slot(Random& r) {
  switch (r.below(8)) {
  case 0: return 0;                            // the null slot
  case 1: return kWorkerSlots + r.below(100);  // out of range
  case 2: return r.next();                     // anything
  default: return 1 + r.below(kWorkerSlots - 1);
  }
}

Word random_address(Random& r) {
  switch (r.below(10)) {
  case 0: return 0;
  case 1: return 0xFFFF'FF80'0000'0000ull + r.below(1u << 30) * 4096; // the kernel
  case 2: return 0x80'0000'0000ull + r.below(1u << 20) * 4096;        // beyond the user half
  case 3: return kArenaBase + r.below(64) * 4096 + 1 + r.below(4095);  // misaligned
  case 4: return 0x9000'0000ull + r.below(64) * 4096;                 // the channel window
  case 5: return r.next();
  case 6: return 0x40'0000 + r.below(16) * 4096;                      // the program itself
  default: return kArenaBase + r.below(256) * 4096;                    // the arena
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

Word random_rights(Random& r) { return r.one_in(4) ? r.next() : r.below(256); }
Word random_badge(Random& r) { return r.one_in(3) ? 0 : (r.one_in(4) ? r.next() : r.below(1u << 16)); }
Word random_name(Random& r) { return r.one_in(4) ? r.next() : (r.below(8) << 56) | r.below(4); }

char g_text[] = "fuzz\n";

// One random call. Returns false when the worker should stop (it never does by itself: the kernel
// may end it).
void one_call(Random& r, Word image) {
  switch (r.below(26)) {
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
  case 9: (void)sys::poll(random_slot(r)); break;
  case 10: (void)sys::cap_copy(random_slot(r), random_slot(r)); break;
  case 11: (void)sys::cap_mint(random_slot(r), random_slot(r), random_rights(r), random_badge(r)); break;
  case 12: (void)sys::cap_move(random_slot(r), random_slot(r)); break;
  case 13:
    // Never delete the worker's own basic capabilities too often, or every run degenerates.
    (void)sys::cap_delete(r.one_in(4) ? random_slot(r) : kSlotNotification + 2 + r.below(kWorkerSlots - 7));
    break;
  case 14: (void)sys::cap_revoke(random_slot(r)); break;
  case 15: (void)sys::cap_insert_into(random_slot(r), random_slot(r), random_slot(r), random_rights(r), random_badge(r)); break;
  case 16: (void)sys::cap_info(random_slot(r)); break;
  case 17: (void)sys::shmem_register(r.one_in(2) ? kSlotRegistry : random_slot(r), random_name(r), random_slot(r),
                                     random_slot(r)); break;
  case 18: (void)sys::shmem_query(r.one_in(2) ? kSlotRegistry : random_slot(r), random_name(r)); break;
  case 19:
    (void)sys::task_create(r.one_in(2) ? kSlotTaskCreate : random_slot(r), r.one_in(2) ? kSlotMemory : random_slot(r),
                           r.one_in(2) ? image : r.below(40), r.one_in(2) ? 2 + r.below(16) : r.next(),
                           r.below(40), r.one_in(2) ? 0 : random_slot(r));
    break;
  case 20: (void)sys::task_start(random_slot(r), kChildRole); break;
  case 21: (void)sys::task_status(random_slot(r)); break;
  case 22:
    if (r.one_in(5000)) (void)sys::raw_call(r.one_in(2) ? 0 : 24 + r.below(200)); // killed: a bad number
    break;
  case 23:
    if (r.one_in(20000)) sys::task_exit(static_cast<std::int64_t>(r.below(100)));
    break;
  default: {
    // Raw registers: a valid number with random arguments in every register.
    const Word numbers[] = {1, 2, 16, 17, 18, 19, 32, 33, 35, 48, 49, 50, 51, 52, 53, 54, 64, 65, 80, 81, 83};
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

int run_root(const void* startup) {
  task::Root root{};
  if (!task::read_root(startup, "syscall_fuzz", root)) return 90;
  const Word seed = parse_option(root.boot->command_line, "seed", 1);
  const Word calls = parse_option(root.boot->command_line, "calls", 100000);
  print("syscall_fuzz: seed %llu, %llu calls\n", static_cast<unsigned long long>(seed),
        static_cast<unsigned long long>(calls));

  const Word progress_frame = task::map_new(root, 4096, kProgressAddress, abi::kMapRead | abi::kMapWrite);
  if (progress_frame == 0) return 91;
  auto* progress = task::at<Progress>(kProgressAddress);
  const SyscallResult ended_made = sys::notification_create(root.memory);
  if (!ended_made.ok()) return 93;
  const Word ended = ended_made.r1;
  Word done = 0, workers = 0, killed = 0, exited = 0;
  Random streams{seed * 0x9E3779B97F4A7C15ull + 1};
  while (done < calls) {
    // The worker runs at the root's priority: the root yields to it and looks at its progress once
    // per time slice (the root cannot block: nothing the worker holds is guaranteed to survive it).
    const SyscallResult made = task::create(root, kWorkerSlots, abi::kMaxPriority, ended);
    if (!made.ok()) {
      print("syscall_fuzz: FAIL cannot create worker %llu (error %llu)\n", static_cast<unsigned long long>(workers),
            static_cast<unsigned long long>(made.status));
      return 1;
    }
    const Word w = made.r1;
    const bool given = sys::cap_insert_into(w, kSlotMemory, root.memory, abi::kRightControl, 0).ok() &&
                       sys::cap_insert_into(w, kSlotTaskCreate, root.task_create, abi::kRightControl, 0).ok() &&
                       sys::cap_insert_into(w, kSlotRegistry, root.registry, abi::kRightRead | abi::kRightWrite,
                                            abi::registry_badge(Word{0xAB} << 56, 8)).ok() &&
                       sys::cap_insert_into(w, kSlotSelf, w, abi::kRightControl | abi::kRightAudit, 0).ok();
    const Word view = task::share(w, progress_frame, kProgressAddress, abi::kMapRead | abi::kMapWrite);
    const SyscallResult own = sys::notification_create(root.memory);
    const bool notification = own.ok() && sys::cap_insert_into(w, kSlotNotification, own.r1,
                                                               abi::kRightSignal | abi::kRightWait, 0).ok();
    if (!given || view == 0 || !notification) {
      print("syscall_fuzz: FAIL cannot set up worker %llu\n", static_cast<unsigned long long>(workers));
      return 1;
    }
    progress->calls = 0;
    progress->seed = streams.next();
    const Word worker_calls_before = done;
    if (!sys::task_start(w, progress->seed).ok()) return 92;
    ++workers;
    // Let it run until it has used its share or the kernel ended it.
    for (;;) {
      const SyscallResult status = sys::task_status(w);
      if (!status.ok() || status.r1 != static_cast<Word>(abi::TaskState::Running)) {
        if (status.ok() && status.r1 == static_cast<Word>(abi::TaskState::Faulted)) ++killed;
        else ++exited;
        break;
      }
      if (worker_calls_before + progress->calls >= calls) break;
      (void)sys::yield();
    }
    done = worker_calls_before + progress->calls;
    (void)sys::cap_delete(w); // its last capability: destroyed with everything it held
    (void)sys::cap_delete(view);
    (void)sys::cap_delete(own.r1);
    (void)sys::poll(ended);
  }
  print("syscall_fuzz: %llu calls by %llu workers (%llu killed by the kernel, %llu ended otherwise): 0 kernel "
        "failures\n", static_cast<unsigned long long>(done), static_cast<unsigned long long>(workers),
        static_cast<unsigned long long>(killed), static_cast<unsigned long long>(exited));
  (void)sys::cap_delete(ended);
  (void)sys::memory_unmap(kProgressAddress);
  (void)sys::cap_delete(progress_frame);
  return 0;
}

} // namespace

int main(const void* startup) {
  if (task::is_root(startup)) return run_root(startup);
  const Word argument = reinterpret_cast<Word>(startup);
  if (argument == kChildRole) return 0; // a task the worker created and started
  // The image index for the worker's own task_create calls: the root passes only a seed, so any
  // index will do (a wrong one is just another error path).
  worker(argument, argument % 8);
}
