// Interrupt dispatch: handlers attached to lines of the board's interrupt controller.
#pragma once

#include <cstdint>

namespace bramble::irq {

using Handler = void (*)(std::uint32_t line, void* context);

inline constexpr std::uint32_t kMaxLines = 256;

// Initialises the board's controller with every line disabled (core 0, once).
void init();
// Every core, core 0 included, on itself: its own part of the controller and its IPI line on.
void init_this_core();

// Raises the inter-processor interrupt on `core`; false if the controller cannot reach that core.
bool send_ipi(std::uint32_t core);
// What an IPI runs on the core that takes it, *without* the kernel lock (the sender may hold it and
// wait for the answer): smp::handle_ipi.
void set_ipi_handler(void (*handler)());

// How a line's handler runs: with the kernel lock (the default: it may touch anything), or without it
// (PerCore: a core-private line, the timer's, whose handler touches only the state of the core it
// runs on, so busy cores do not queue for the lock on every tick).
enum class Locking { Kernel, PerCore };

// Attaches a handler and enables the line. False if the line does not exist on this controller or
// already has a handler.
bool attach(std::uint32_t line, Handler handler, void* context, Locking locking = Locking::Kernel);

// Enables a core-private line (the timer's) on the calling core; its handler was attached on core 0.
bool enable_here(std::uint32_t line);

// Disables the line and forgets its handler.
void detach(std::uint32_t line);
[[nodiscard]] bool attached(std::uint32_t line);
// Masks / unmasks an attached line (user-space handlers: masked from the interrupt until irq_ack).
void mask(std::uint32_t line);
void unmask(std::uint32_t line);

// Called from the IRQ vector: acknowledges on this core and runs handlers until nothing is pending.
// An IPI runs the IPI handler without the kernel lock; every other line's handler runs with it held.
void dispatch();

// Interrupts taken that no handler claimed (masked again so they cannot storm).
[[nodiscard]] std::uint64_t unexpected_count();

[[nodiscard]] const char* controller_name();

} // namespace bramble::irq
