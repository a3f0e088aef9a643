// The root side of the security suite: the world it builds for each attack class and the checks
// that the rest of the system keeps working while an attacker holds what it took.
#pragma once

#include "tests/programs/security/security.hpp"

namespace sec {

struct World {
  task::Root root;
  Word child_image;
  Word events; // notification: children's ends and holds (badges kAttackerEndBit ...)
  Word go;     // notification the attacker waits on between phases
  Word seen;   // event bits that arrived but were not asked for yet
};

struct Child {
  Word task = 0;
  Word quota = 0;  // the root's capability to the child's quota (0: made from the root's quota)
  Word report = 0; // the root's badged Signal copy the kernel signals at its end (deleting it deletes
                   // the kernel's copy too: it lives as long as the child)
  bool started = false;
};

// Bytes a task of `slots` slots made from security_child costs its creator's quota, measured on a
// probe task (the kernel decides what a task costs; the suite reads it).
[[nodiscard]] Word task_cost(World& w, Word slots);

// A stopped child of security_child with its own quota of task_cost(slots) + budget bytes (budget 0:
// made from the root's quota), its basic slots filled (security.hpp), ends reported with end_bit.
[[nodiscard]] Child spawn(World& w, Word slots, Word budget, Word end_bit, Word registry_prefix);
bool start(World& w, Child& c, Role role, Attack attack);
// Waits until one of `bits` arrived; returns those that did (and forgets them).
Word await_any(World& w, Word bits);
// Waits for the attacker's hold; false (a failed check) when it ended first.
bool await_hold(World& w);
// Lets the attacker finish, waits for its end and checks that it exited 0 (its own checks passed);
// then deletes the task and its quota.
void finish(World& w, Child& c, Word end_bit, bool send_go);
// The root's own calls and an honest child with its own 64 KiB quota: everything must still work.
void root_keeps_working(World& w, const char* when);
// A victim task from root.memory, started with `role`; waits for its end.
[[nodiscard]] Child ended_victim(World& w, Role role, Word end_bit);
// Deletes what the root holds for a child (its task, report and quota capabilities).
void release(Child& c);

void run_ended_task(World& w);
void run_revoke_grant(World& w);
void run_boundaries(World& w);
void run_simple(World& w, Attack attack, Word slots, Word budget);

} // namespace sec
