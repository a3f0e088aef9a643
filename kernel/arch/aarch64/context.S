// FP/SIMD state (the kernel itself never touches these registers: it is built -mgeneral-regs-only),
// and the first entry into user space.

    .section .text, "ax"

// void fp_save(FpState* state): q0-q31, then FPCR, FPSR (kernel/arch/aarch64/context.hpp).
    .global fp_save
fp_save:
    stp     q0, q1, [x0, #0]
    stp     q2, q3, [x0, #32]
    stp     q4, q5, [x0, #64]
    stp     q6, q7, [x0, #96]
    stp     q8, q9, [x0, #128]
    stp     q10, q11, [x0, #160]
    stp     q12, q13, [x0, #192]
    stp     q14, q15, [x0, #224]
    stp     q16, q17, [x0, #256]
    stp     q18, q19, [x0, #288]
    stp     q20, q21, [x0, #320]
    stp     q22, q23, [x0, #352]
    stp     q24, q25, [x0, #384]
    stp     q26, q27, [x0, #416]
    stp     q28, q29, [x0, #448]
    stp     q30, q31, [x0, #480]
    mrs     x1, fpcr
    mrs     x2, fpsr
    add     x0, x0, #512
    stp     x1, x2, [x0]
    ret

// void fp_restore(const FpState* state)
    .global fp_restore
fp_restore:
    ldp     q0, q1, [x0, #0]
    ldp     q2, q3, [x0, #32]
    ldp     q4, q5, [x0, #64]
    ldp     q6, q7, [x0, #96]
    ldp     q8, q9, [x0, #128]
    ldp     q10, q11, [x0, #160]
    ldp     q12, q13, [x0, #192]
    ldp     q14, q15, [x0, #224]
    ldp     q16, q17, [x0, #256]
    ldp     q18, q19, [x0, #288]
    ldp     q20, q21, [x0, #320]
    ldp     q22, q23, [x0, #352]
    ldp     q24, q25, [x0, #384]
    ldp     q26, q27, [x0, #416]
    ldp     q28, q29, [x0, #448]
    ldp     q30, q31, [x0, #480]
    add     x0, x0, #512
    ldp     x1, x2, [x0]
    msr     fpcr, x1
    msr     fpsr, x2
    ret

// [[noreturn]] void enter_user(const ExceptionFrame* frame, uintptr_t stack_top): copies the frame (288
// bytes, which must not be on the stack) to the top of this core's kernel stack (x1), where an
// exception from EL0 would have put it,
// abandons everything below, and returns to EL0 exactly as the end of an exception does (vectors.S).
    .global enter_user
enter_user:
    sub     x1, x1, #288
    mov     x2, #0
1:  ldr     x3, [x0, x2]
    str     x3, [x1, x2]
    add     x2, x2, #8
    cmp     x2, #288
    b.ne    1b
    mov     sp, x1
    b       exception_return

// void copy_frame(ExceptionFrame* to, const ExceptionFrame* from): the 288 bytes a context switch
// saves and loads (kernel/arch/aarch64/exception_frame.hpp), 16 bytes a step. A struct assignment
// would call the freestanding byte-wise memcpy: over 1,400 instructions per copy, two per switch.
    .global copy_frame
copy_frame:
    mov     x2, #288 / 16
1:  ldp     x3, x4, [x1], #16
    stp     x3, x4, [x0], #16
    subs    x2, x2, #1
    b.ne    1b
    ret
