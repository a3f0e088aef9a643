// registers_call (registers.cpp): makes one system call with every register the ABI preserves
// (x4-x30 and SP; x8 is the call number) holding a pattern, and reports what they held afterwards.
//
// Word registers_call(Word number, Word a0, Word a1, Word seed, Word* out)
//   x0..x3 of the call: a0, a1, 0, 0; register i (4..30, not 8) holds seed + (i << 12).
//   out[0..30] = x0..x30 after the call, out[31] = SP after it, out[32] = SP before it.
    .section .text, "ax"
    .global registers_call
    .type registers_call, %function
registers_call:
    stp     x29, x30, [sp, #-112]!
    stp     x19, x20, [sp, #16]
    stp     x21, x22, [sp, #32]
    stp     x23, x24, [sp, #48]
    stp     x25, x26, [sp, #64]
    stp     x27, x28, [sp, #80]
    str     x4, [sp, #96]               // out
    sub     sp, sp, #272                // x0..x30, SP after, SP before (34 words with padding)
    mov     x9, sp
    str     x9, [sp, #256]              // SP before the call
    mov     x8, x0
    mov     x0, x1
    mov     x1, x2
    mov     x2, #0
    add     x4, x3, #4, lsl #12
    add     x5, x3, #5, lsl #12
    add     x6, x3, #6, lsl #12
    add     x7, x3, #7, lsl #12
    add     x9, x3, #9, lsl #12
    add     x10, x3, #10, lsl #12
    add     x11, x3, #11, lsl #12
    add     x12, x3, #12, lsl #12
    add     x13, x3, #13, lsl #12
    add     x14, x3, #14, lsl #12
    add     x15, x3, #15, lsl #12
    add     x16, x3, #16, lsl #12
    add     x17, x3, #17, lsl #12
    add     x18, x3, #18, lsl #12
    add     x19, x3, #19, lsl #12
    add     x20, x3, #20, lsl #12
    add     x21, x3, #21, lsl #12
    add     x22, x3, #22, lsl #12
    add     x23, x3, #23, lsl #12
    add     x24, x3, #24, lsl #12
    add     x25, x3, #25, lsl #12
    add     x26, x3, #26, lsl #12
    add     x27, x3, #27, lsl #12
    add     x28, x3, #28, lsl #12
    add     x29, x3, #29, lsl #12
    add     x30, x3, #30, lsl #12
    mov     x3, #0
    svc     #0
    stp     x0, x1, [sp, #0]
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    str     x30, [sp, #240]
    mov     x9, sp
    str     x9, [sp, #248]              // SP after the call
    ldr     x10, [sp, #368]             // out (272 + 96)
    ldr     x11, [sp, #256]
    str     x11, [x10, #256]
    mov     x11, #0
1:  ldr     x12, [sp, x11, lsl #3]
    str     x12, [x10, x11, lsl #3]
    add     x11, x11, #1
    cmp     x11, #32
    b.ne    1b
    add     sp, sp, #272
    ldp     x19, x20, [sp, #16]
    ldp     x21, x22, [sp, #32]
    ldp     x23, x24, [sp, #48]
    ldp     x25, x26, [sp, #64]
    ldp     x27, x28, [sp, #80]
    ldp     x29, x30, [sp], #112
    ret
    .size registers_call, . - registers_call
