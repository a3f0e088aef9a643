// The one place the kernel issues a semihosting call (ARM "Semihosting for AArch32 and AArch64",
// HLT #0xF000 with the operation in w0 and the argument block in x1). When no debugger or emulator
// implements semihosting the instruction is UNDEFINED; exception_dispatch recognises a fault at
// exactly this address, returns -1 in x0 and resumes at the `ret`.
    .section .text, "ax"
    .global semihosting_trap
    .balign 4
semihosting_trap:
    hlt     #0xf000
    ret
