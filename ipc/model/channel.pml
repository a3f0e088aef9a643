/*
 * channel.pml: the notify-on-need handshake of one SPSC channel (docs/ipc-model.md).
 *
 * One producer and one consumer share a ring of CAPACITY slots, two free-running indices, two sleep
 * sequence words and two kernel notifications. The producer sends 0, 1, 2, ... MESSAGES-1; the
 * consumer checks it receives exactly that sequence. Spin explores every interleaving.
 *
 * Memory model. Spin's interleavings are sequentially consistent, but the C++ code only asks for
 * acquire/release plus two seq_cst fences, and AArch64 (like every CPU with a store buffer) lets a
 * store be overtaken by a later load of another address (ARM ARM DDI 0487 B2.3, "Definition of the
 * Armv8 memory model": a plain STR is not ordered before a later LDR or LDAR, and C++ promises no
 * order between a release store and a later acquire load either, which lets a compiler use LDAPR;
 * a DMB ISH, what atomic_thread_fence(seq_cst) compiles to, orders them). So every
 * store a side makes to its own shared page goes through that side's store buffer (depth 1, FIFO):
 *   - issuing the store puts it in the buffer (the side carries on);
 *   - the Memory process commits it to shared memory at any later moment;
 *   - a second store first pushes the older one out (FIFO: stores become visible in program order,
 *     which is what the release on tail/head guarantees for the slot writes and earlier stores);
 *   - a seq_cst fence drains the buffer before the side goes on (DMB ISH waits for earlier stores).
 * Loads read shared memory directly: acquire loads and program order already keep them in order, and
 * each side never loads its own words (it keeps private copies), so no store forwarding is needed.
 * The kernel notification is not treated as a fence: the protocol must not depend on it.
 *
 * The same assumptions hold for both index access policies of shared_word.hpp: std::atomic where it
 * is always lock-free, and on ARMv6-M (no atomics) aligned word LDR/STR with DMB SY after an acquire
 * load, before a release store and as the fence (single-copy atomic words: ARMv6-M ARM A3.5.3; DMB
 * orders all earlier against all later accesses, store->load included: A3.7.3). Each shared word has
 * one writer and is only loaded and stored, never read-modify-written, which is all this model does.
 *
 * A store buffer of depth 1 loses nothing for the correct protocol: between two fences a side makes
 * at most two stores (an even sleep word, then an index or an odd sleep word), and the second is
 * followed at once by a fence, with no load in between, so a deeper buffer shows the peer nothing a
 * depth-1 buffer does not. It is weaker than real hardware only for mutants that drop a fence
 * (docs/ipc-model.md, "one-slot mutants").
 *
 * Indices are loaded afresh at every step, where the C++ keeps a cached copy and reloads it only when
 * the cache says empty/full: a cached value is an older value of the same monotonic index, so "data
 * (room) by the cache" implies "data (room) by a fresh load", and the model's fresh load covers both.
 *
 * Parameters (spin -D...): CAPACITY (1, 2, 4, ...), MESSAGES (default 2*CAPACITY+2, wrapping the ring
 * at least twice), SPURIOUS_WAKEUPS (default 0: how often each side's wait() may return unsignalled),
 * SEQUENTIALLY_CONSISTENT (stores commit at once: the control that shows the store buffer is what
 * makes the fence mutants fail), NO_OBSERVER (leave out the Observer: liveness runs, and the
 * invalid-end-state check), and at most one mutant:
 *   MUTANT_C_NO_RECHECK            (a) consumer sleeps without re-reading tail (no C4)
 *   MUTANT_C_NO_SLEEP_FENCE        (b) no fence between announcing the sleep and the recheck (no C3)
 *   MUTANT_P_NO_PUBLISH_FENCE      (c) no fence between publishing tail and reading c_sleep_seq (no P1a)
 *   MUTANT_P_CHECK_BEFORE_PUBLISH  (d) the producer checks c_sleep_seq before it publishes tail
 *   MUTANT_P_NO_RECHECK, MUTANT_P_NO_SLEEP_FENCE, MUTANT_C_NO_PUBLISH_FENCE,
 *   MUTANT_C_CHECK_BEFORE_PUBLISH  (e) the mirror images on the full-ring side
 *   MUTANT_P_OFF_BY_ONE_FULL       the producer's full test allows CAPACITY+1 items (overflow)
 *   MUTANT_C_RELEASE_BEFORE_READ   the consumer frees a slot before reading it (overwrite)
 *   MUTANT_P_PUBLISH_BEFORE_WRITE  the producer publishes a slot before writing it (stale read)
 */

#ifndef CAPACITY
#define CAPACITY 2
#endif
#ifndef MESSAGES
#define MESSAGES (2 * CAPACITY + 2)
#endif
#ifndef SPURIOUS_WAKEUPS
#define SPURIOUS_WAKEUPS 0
#endif

/* Which word a store-buffer entry is for. */
#define SB_EMPTY 0
#define SB_INDEX 1   /* producer: tail;        consumer: head */
#define SB_SEQ   2   /* producer: p_sleep_seq; consumer: c_sleep_seq */

/* ---- shared memory, as the other side sees it ---- */
byte tail;            /* producer page: free-running write index */
byte p_sleep_seq;     /* producer page: odd = producer is about to sleep on a full ring */
byte head;            /* consumer page: free-running read index */
byte c_sleep_seq;     /* consumer page: odd = consumer is about to sleep on an empty ring */
byte slot[CAPACITY];  /* data pages: written by the producer only */

/* Kernel notifications: a word of bits; signal ORs, wait blocks until non-zero then clears. One bit
 * is enough: several signals before a wait collapse into one wake-up (a binary semaphore). */
bit to_consumer;
bit to_producer;

/* ---- store buffers (depth 1): which word is pending and its value ---- */
byte p_sb_word;
byte p_sb_value;
byte c_sb_word;
byte c_sb_value;

/* ---- ghost state for the properties (no side reads the other's) ---- */
byte sent;                /* the producer's private tail: items written into slots */
byte received;            /* the consumer's private head: items taken out of slots */
bool consumer_asleep;     /* the consumer is inside wait(to_consumer) */
bool producer_asleep;     /* the producer is inside wait(to_producer) */

/* Safety invariant checked in every reachable state (Observer): the published indices never claim
 * more than CAPACITY items (no overflow), the consumer never reads past what was published, and the
 * private indices agree. */
#define NO_OVERFLOW (head <= tail && tail - head <= CAPACITY && received <= sent && \
                     sent - received <= CAPACITY)

/* ---- store buffer operations ---- */
inline p_commit() {
  if
  :: p_sb_word == SB_INDEX -> tail = p_sb_value
  :: p_sb_word == SB_SEQ -> p_sleep_seq = p_sb_value
  :: else -> skip
  fi;
  p_sb_word = SB_EMPTY;
  p_sb_value = 0
}

inline c_commit() {
  if
  :: c_sb_word == SB_INDEX -> head = c_sb_value
  :: c_sb_word == SB_SEQ -> c_sleep_seq = c_sb_value
  :: else -> skip
  fi;
  c_sb_word = SB_EMPTY;
  c_sb_value = 0
}

#ifdef SEQUENTIALLY_CONSISTENT
inline p_store(word, value) { atomic { p_commit(); p_sb_word = word; p_sb_value = value; p_commit() } }
inline c_store(word, value) { atomic { c_commit(); c_sb_word = word; c_sb_value = value; c_commit() } }
#else
inline p_store(word, value) { atomic { p_commit(); p_sb_word = word; p_sb_value = value } }
inline c_store(word, value) { atomic { c_commit(); c_sb_word = word; c_sb_value = value } }
#endif

/* std::atomic_thread_fence(std::memory_order_seq_cst) == DMB ISH: earlier stores are visible to the
 * other side before any later load is performed. */
inline p_fence() { atomic { p_commit() } }
inline c_fence() { atomic { c_commit() } }

/* Sleep sequence words are bytes here; one sleep costs 2 increments and sleeps are bounded by the
 * message count, so 255 is never reached (the assertion proves it for every configuration run). */
inline bump(seq) { assert(seq < 255); seq++ }

/* The memory system: commits a pending store of either side at any moment. One process for both
 * buffers keeps the process count (and so the cost of weak fairness) low. */
active proctype Memory() {
end:
  do
  :: atomic { p_sb_word != SB_EMPTY -> p_commit() }
  :: atomic { c_sb_word != SB_EMPTY -> c_commit() }
  od
}

/* ---- producer: push MESSAGES items ---- */
/* Each atomic block below performs at most one access to memory the other side reads or writes
 * (plus private and ghost bookkeeping), so grouping them removes no behaviour; a fence and the load
 * after it share a block because the Memory process may already have committed the store at
 * any earlier moment, which covers every later point the load could really happen. */
active proctype Producer() {
  byte t = 0;                /* own tail (private copy of the word it publishes) */
  byte my_seq = 0;           /* own p_sleep_seq (only the producer writes it) */
  byte last_signalled_c = 0; /* the c_sleep_seq value last signalled for (0 is even: none yet) */
  byte seen;                 /* a value just loaded from the consumer page */
  bit sleeping;              /* decided to wait */
  byte spurious = SPURIOUS_WAKEUPS;  /* wait() may still return this many times unsignalled */

  do
  :: t == MESSAGES -> break
  :: else ->
     if
#ifdef MUTANT_P_OFF_BY_ONE_FULL
     :: t - head <= CAPACITY ->                     /* mutant: full test off by one */
#else
     :: t - head < CAPACITY ->                      /* P1: head.load(acquire): room? */
#endif
        /* P1: write the slot, publish tail (store-release: the slot write is visible first). */
#ifdef MUTANT_P_PUBLISH_BEFORE_WRITE
        p_store(SB_INDEX, t + 1);                   /* mutant: slot published before it is written */
#endif
        atomic {
          assert(t - received < CAPACITY);          /* never overwrite an unread slot */
          slot[t % CAPACITY] = t;
          t++;
          sent = t;
#if !defined(MUTANT_P_CHECK_BEFORE_PUBLISH) && !defined(MUTANT_P_PUBLISH_BEFORE_WRITE)
          p_store(SB_INDEX, t)                      /* tail.store(t + 1, release) */
#endif
        };
        atomic {
#ifndef MUTANT_P_NO_PUBLISH_FENCE
          p_fence();                                /* P1a: atomic_thread_fence(seq_cst) */
#endif
          seen = c_sleep_seq;                       /* P1b: c_sleep_seq.load(relaxed) */
          if                                        /* P1c: signal once per announced sleep */
          :: (seen & 1) && seen != last_signalled_c -> last_signalled_c = seen
          :: else -> seen = 0
          fi
        };
        if
        :: seen != 0 -> atomic { to_consumer = 1; seen = 0 }   /* notifier.signal() */
        :: else -> skip
        fi;
#ifdef MUTANT_P_CHECK_BEFORE_PUBLISH
        p_store(SB_INDEX, t);                       /* mutant: tail published after the check */
#endif
     :: else ->
        /* Full. P2: announce the sleep (odd), relaxed store. */
        atomic { bump(my_seq); p_store(SB_SEQ, my_seq) };
        atomic {
#ifndef MUTANT_P_NO_SLEEP_FENCE
          p_fence();                                /* P3: atomic_thread_fence(seq_cst) */
#endif
          if
#ifndef MUTANT_P_NO_RECHECK
          :: t - head < CAPACITY -> skip            /* P4: head.load(acquire): room after all */
#endif
          :: else -> sleeping = 1; producer_asleep = true
          fi
        };
        if
        :: sleeping ->                              /* P5: notifier.wait() */
           if
           :: atomic { to_producer != 0 -> to_producer = 0; sleeping = 0; producer_asleep = false }
           :: atomic { spurious > 0 -> spurious--; sleeping = 0; producer_asleep = false }
           fi
        :: else -> skip
        fi;
        atomic { bump(my_seq); p_store(SB_SEQ, my_seq) }   /* P4 (room) or P6: even, relaxed */
     fi
  od
}

/* ---- consumer: pop MESSAGES items and check them ---- */
active proctype Consumer() {
  byte h = 0;                /* own head */
  byte my_seq = 0;           /* own c_sleep_seq */
  byte last_signalled_p = 0; /* the p_sleep_seq value last signalled for */
  byte seen;                 /* a value just loaded from the producer page */
  bit sleeping;              /* decided to wait */
  byte spurious = SPURIOUS_WAKEUPS;  /* wait() may still return this many times unsignalled */

  do
  :: h == MESSAGES -> break
  :: else ->
     if
     :: h != tail ->                                /* C1: tail.load(acquire): data? */
        /* C1: read the slot, then publish head (store-release: the read happens first). */
#ifdef MUTANT_C_RELEASE_BEFORE_READ
        c_store(SB_INDEX, h + 1);                   /* mutant: slot freed before it is read */
#endif
        atomic {
          assert(slot[h % CAPACITY] == h);          /* no lost message, FIFO order */
          h++;
          received = h;
#if !defined(MUTANT_C_CHECK_BEFORE_PUBLISH) && !defined(MUTANT_C_RELEASE_BEFORE_READ)
          c_store(SB_INDEX, h)                      /* head.store(h + 1, release) */
#endif
        };
        atomic {
#ifndef MUTANT_C_NO_PUBLISH_FENCE
          c_fence();                                /* atomic_thread_fence(seq_cst) */
#endif
          seen = p_sleep_seq;                       /* p_sleep_seq.load(relaxed) */
          if
          :: (seen & 1) && seen != last_signalled_p -> last_signalled_p = seen
          :: else -> seen = 0
          fi
        };
        if
        :: seen != 0 -> atomic { to_producer = 1; seen = 0 }   /* notifier.signal() */
        :: else -> skip
        fi;
#ifdef MUTANT_C_CHECK_BEFORE_PUBLISH
        c_store(SB_INDEX, h);                       /* mutant: head published after the check */
#endif
     :: else ->
        /* Empty. C2: announce the sleep (odd), relaxed store. */
        atomic { bump(my_seq); c_store(SB_SEQ, my_seq) };
        atomic {
#ifndef MUTANT_C_NO_SLEEP_FENCE
          c_fence();                                /* C3: atomic_thread_fence(seq_cst) */
#endif
          if
#ifndef MUTANT_C_NO_RECHECK
          :: h != tail -> skip                      /* C4: tail.load(acquire): data after all */
#endif
          :: else -> sleeping = 1; consumer_asleep = true
          fi
        };
        if
        :: sleeping ->                              /* C5: notifier.wait() */
           if
           :: atomic { to_consumer != 0 -> to_consumer = 0; sleeping = 0; consumer_asleep = false }
           :: atomic { spurious > 0 -> spurious--; sleeping = 0; consumer_asleep = false }
           fi
        :: else -> skip
        fi;
        atomic { bump(my_seq); c_store(SB_SEQ, my_seq) }   /* C4 (data) or C6: even, relaxed */
     fi
  od
}

/* ---- properties ---- */

/* Safety, checked by `pan` without a claim: the invariant in every state, and when nothing can move
 * any more (timeout), that nobody sleeps while the thing it waits for is there and that everything
 * was delivered. The sleeping-with-data assertion is the lost wake-up; spin also reports the same
 * deadlock as an invalid end state (the sleeper is not at an end label) if this process is removed. */
#ifndef NO_OBSERVER
active proctype Observer() {
end:
  do
  :: atomic { !(NO_OVERFLOW) -> assert(NO_OVERFLOW) }
  :: timeout ->
     assert(!(consumer_asleep && tail != received));           /* asleep with data */
     assert(!(producer_asleep && sent - head < CAPACITY));     /* asleep with room */
     assert(received == MESSAGES && sent == MESSAGES);
     break
  od
}
#endif

/* Liveness, checked with `pan -a -f` (weak fairness): every message is eventually delivered. */
ltl delivered { <> (received == MESSAGES) }
