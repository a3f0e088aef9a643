// The root task's test scenarios, built into the test image's root program only (tests/root/).
// Each returns true when everything it checks held.
#pragma once

#include <cstdint>
#include <initializer_list>

#include "broker/root/root.hpp"

namespace bramble::root {

// What the scenarios build on: launches the listed components of the test description (the sensor
// faults after `fault_after` messages when that is not 0), and checks that `messages` went from
// producer to consumer and both exited with 0.
bool launch_all(System& s, std::initializer_list<std::size_t> which, std::uint64_t messages,
                std::uint64_t fault_after = 0);
bool delivered(System& s, std::size_t producer, std::size_t consumer, std::uint64_t messages);

bool run_layout(System& s);
bool run_unauthorized(System& s);
bool run_no_registry(System& s);
bool run_kill(System& s, std::uint64_t messages);
bool run_oom(System& s);
// Robustness (robustness.cpp): hostile peers on either side of both ring kinds, and the stress run.
bool run_hostile_producer(System& s);
bool run_hostile_consumer(System& s);
bool run_hostile_header(System& s);
bool run_stress(System& s, std::uint64_t messages);
// Restarts (restart.cpp): a stream whose consumer (or producer) crashes ten times and is restarted by
// its policy; a component that crashes at start-up until its budget is gone; a self-service producer
// whose consumer reads everything it published, then Closed.
bool run_restart_stream(System& s, std::uint64_t messages, bool consumer_crashes);
// The same through a self-service ring, each side crashing five times (the producer takes its ring over).
bool run_restart_self_service(System& s, std::uint64_t messages);
bool run_crash_loop(System& s);
bool run_self_service_kill(System& s, std::uint64_t messages);
// The out-of-memory scenario's helper task (this program started with kFillerRole): fills the quota
// it was given in slot kFillerMemory and reports through kFillerDone.
inline constexpr std::uint64_t kFillerRole = 0xF111'E500;
inline constexpr std::uint64_t kFillerMemory = 1;
inline constexpr std::uint64_t kFillerDone = 2;
int run_filler();

} // namespace bramble::root
