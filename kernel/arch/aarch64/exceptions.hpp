// Exception entry from the vectors, and the report printed for an exception the kernel did not expect.
#pragma once

#include "kernel/arch/aarch64/exception_frame.hpp"

namespace bramble::arch {

// Points VBAR_EL1 at the vector table.
void install_exception_vectors();

// Prints the decoded report (class by name, ESR, FAR, ELR, SPSR, registers).
void print_exception_report(const ExceptionFrame& frame, std::uint32_t vector_index);

} // namespace bramble::arch

// Called by vectors.S; returns the frame to resume (exceptions.cpp).
extern "C" bramble::arch::ExceptionFrame* exception_dispatch(bramble::arch::ExceptionFrame* frame,
                                                             std::uint64_t vector_index);
