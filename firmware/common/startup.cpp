// Reset and exception entry for the Cortex-M examples: the vector table (ARMv6-M ARM B1.5.3, ARMv7-M
// ARM B1.5.3: initial SP, then the reset vector, then the exceptions; SysTick is number 15), copying
// .data, clearing .bss, running constructors, then main(); main's return value is the exit code.
#include <cstdint>

#include "semihost.hpp"

extern "C" {
// Linker-script symbols (sections.ld). __stack_top is declared as a function so that its address
// has the vector table's element type without a cast.
void __stack_top();
extern std::uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];
using Handler = void (*)();
extern Handler __init_array_start[], __init_array_end[];

int main();
[[noreturn]] void Reset_Handler();
void HardFault_Handler();
void Unexpected_Handler();
void SysTick_Handler() __attribute__((weak, alias("Unexpected_Handler")));
void SVC_Handler() __attribute__((weak, alias("Unexpected_Handler")));
void PendSV_Handler() __attribute__((weak, alias("Unexpected_Handler")));
void NMI_Handler() __attribute__((weak, alias("Unexpected_Handler")));
}

__attribute__((section(".vectors"), used)) const Handler g_vectors[16] = {
    __stack_top,
    Reset_Handler,
    NMI_Handler,
    HardFault_Handler,
    Unexpected_Handler,
    Unexpected_Handler,
    Unexpected_Handler,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    SVC_Handler,
    Unexpected_Handler,
    nullptr,
    PendSV_Handler,
    SysTick_Handler,
};

extern "C" void Reset_Handler() {
  for (std::uint32_t *src = __data_load, *dst = __data_start; dst < __data_end;)
    *dst++ = *src++;
  for (std::uint32_t* p = __bss_start; p < __bss_end;)
    *p++ = 0;
  for (Handler* f = __init_array_start; f < __init_array_end; ++f)
    (*f)();
  fw::exit(main());
}

extern "C" void HardFault_Handler() {
  fw::write("fault: HardFault\n");
  fw::exit(3);
}

extern "C" void Unexpected_Handler() {
  fw::write("fault: unexpected exception\n");
  fw::exit(3);
}
