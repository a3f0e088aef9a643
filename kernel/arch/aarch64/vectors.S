// The EL1 exception vector table: 16 entries of 128 bytes (ARM ARM D1.10.2). Each entry reserves an
// ExceptionFrame (exception_frame.hpp) below SP, saves x0/x1, puts its index in x1 and joins a common
// path, which saves the rest, calls exception_dispatch(frame, index) and resumes the frame it returns:
// restores everything (ELR and SPSR too, so a handler may change where execution resumes) and erets.
//
// Where the frame is: at EL0, SP_EL1 is the end of the running task's own frame (ktask::Task::context;
// exception_return leaves it there), so an exception from EL0 saves the registers straight into the
// task's record, and the common path then moves SP to the core's kernel stack (Cpu::stack_top, read
// through TPIDR_EL1). A context switch is the dispatcher returning another task's frame: nothing is
// copied. An exception taken at EL1 saves its frame on the kernel stack it interrupted, and resumes it.
//
// The system call has its own entry (entry 8, lower EL AArch64 synchronous, ESR_EL1.EC 0x15), which
// saves only what the C code may change: x0-x18, x30, ELR and SPSR. The C code keeps x19-x29 (they
// are callee-saved, AAPCS64) and the kernel never touches SP_EL0, so when the call returns to the
// same task those are still the task's values in the registers. Only when the way back switches
// tasks (or anything else needs the whole frame) does the call's C entry say so (the protocol is in
// kernel/trap.hpp; each call number has its own entry); the entry then stores
// x19-x29 and SP_EL0 into the frame, with the kernel lock still held so that no other core can load
// the task before its frame is whole, and finishes through trap_system_call_finish, which returns the
// frame to resume in full. ESR and FAR are not stored for a system call (nothing reads them).
#define FRAME_SIZE 288
// abi::kSyscallLimit (kernel/syscall/syscall.cpp asserts it).
#define SYSCALL_LIMIT 128
// offsetof(smp::Cpu, stack_top) (kernel/smp.hpp asserts it).
#define CPU_STACK_TOP 8

    .macro VECTOR index, common
    .balign 0x80
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #0]
    mov     x1, #\index
    b       \common
    .endm

    .section .text.vectors, "ax"
    .balign 0x800
    .global exception_vectors
exception_vectors:
    VECTOR 0, from_kernel    // current EL, SP_EL0: synchronous
    VECTOR 1, from_kernel    //                     IRQ
    VECTOR 2, from_kernel    //                     FIQ
    VECTOR 3, from_kernel    //                     SError
    VECTOR 4, from_kernel    // current EL, SP_ELx: synchronous
    VECTOR 5, from_kernel    //                     IRQ
    VECTOR 6, from_kernel    //                     FIQ
    VECTOR 7, from_kernel    //                     SError
    .balign 0x80             // lower EL, AArch64:  synchronous (entry 8)
    b       el0_synchronous
    VECTOR 9, from_user      //                     IRQ
    VECTOR 10, from_user     //                     FIQ
    VECTOR 11, from_user     //                     SError
    VECTOR 12, from_user     // lower EL, AArch32:  synchronous
    VECTOR 13, from_user     //                     IRQ
    VECTOR 14, from_user     //                     FIQ
    VECTOR 15, from_user     //                     SError

    // x2..x17 into the frame at SP, and x0..x17 back from it: what every entry saves and every
    // return restores (the system call's quick way included).
    .macro SAVE_X2_X17
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    .endm
    .macro LOAD_X0_X17
    ldp     x0, x1, [sp, #0]
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    .endm

    // x2..x30, SP_EL0, ELR, SPSR, ESR, FAR into the frame at SP (x0, x1 are saved already).
    .macro SAVE_REST
    SAVE_X2_X17
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    mrs     x2, sp_el0
    stp     x30, x2, [sp, #240]
    mrs     x2, elr_el1
    mrs     x3, spsr_el1
    stp     x2, x3, [sp, #256]
    mrs     x2, esr_el1
    mrs     x3, far_el1
    stp     x2, x3, [sp, #272]
    .endm

from_kernel:
    SAVE_REST
    mov     x0, sp
    bl      exception_dispatch          // returns the frame it was given
    b       exception_return

from_user:
    SAVE_REST
    mov     x0, sp                      // the running task's frame
    mrs     x2, tpidr_el1
    ldr     x2, [x2, #CPU_STACK_TOP]
    mov     sp, x2                      // the kernel runs on this core's stack
    bl      exception_dispatch          // returns the frame of the task to resume (maybe another)
    b       exception_return

// Entry 8. A system call (an svc from AArch64 EL0: ESR_EL1.EC 0x15, ARM ARM D17.2.37) saves the
// registers the C code may change and calls the number's own entry (kernel/syscall/syscall.cpp; its
// answer, kernel/trap.hpp); anything else
// (aborts, undefined instructions, FP traps, ...) joins from_user as index 8.
el0_synchronous:
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #0]
    mrs     x0, esr_el1
    lsr     x1, x0, #26                 // ESR_EL1.EC
    cmp     x1, #0x15
    b.ne    1f
    SAVE_X2_X17
    str     x18, [sp, #144]
    str     x30, [sp, #240]
    mrs     x2, elr_el1
    mrs     x3, spsr_el1
    stp     x2, x3, [sp, #256]
    mov     x0, sp                      // the running task's frame
    mrs     x2, tpidr_el1
    ldr     x2, [x2, #CPU_STACK_TOP]
    mov     sp, x2                      // the kernel runs on this core's stack
    // The call number's own entry (kernel/syscall/syscall.cpp): entries[min(x8, SYSCALL_LIMIT)], the
    // last one the bad-call entry (its answer: kernel/trap.hpp).
    adrp    x10, bramble_syscall_entries
    add     x10, x10, :lo12:bramble_syscall_entries
    cmp     x8, #SYSCALL_LIMIT
    b.hs    4f
    ldr     x10, [x10, x8, lsl #3]
5:  blr     x10                         // x0 = the frame | what next (kernel/trap.hpp)
    tst     x0, #3
    b.ne    2f
    // Back to the same task (the kernel lock is released): x19-x29 and SP_EL0 are its own still.
    mov     sp, x0
    ldp     x2, x3, [sp, #256]
    msr     elr_el1, x2
    msr     spsr_el1, x3
    LOAD_X0_X17
    ldr     x18, [sp, #144]
    ldr     x30, [sp, #240]
    add     sp, sp, #FRAME_SIZE         // the end of the task's frame, where its next exception saves
    eret
    // Something is pending (the kernel lock is held): complete the frame unless the task is gone
    // (kSyscallGone, 2: it ended, its record may be freed once the lock is released), then let the
    // scheduler pick the task to resume.
2:  and     x1, x0, #~3                 // the frame
    tbnz    x0, #1, 3f                  // kSyscallGone
    stp     x19, x20, [x1, #152]
    stp     x21, x22, [x1, #168]
    stp     x23, x24, [x1, #184]
    stp     x25, x26, [x1, #200]
    stp     x27, x28, [x1, #216]
    str     x29, [x1, #232]
    mrs     x2, sp_el0
    str     x2, [x1, #248]
3:  mov     x0, x1
    bl      trap_system_call_finish     // releases the kernel lock; returns the frame to resume
    b       exception_return
    // A number beyond the table: the bad-call entry, its last.
4:  ldr     x10, [x10, #(SYSCALL_LIMIT * 8)]
    b       5b
    // Not a system call: x0 and x1 are saved; x2.. are untouched.
1:  mov     x1, #8
    b       from_user

// Resumes the frame at x0 (enter_user, context.S, starts a task's first run here too).
    .global exception_return
exception_return:
    mov     sp, x0
    ldp     x2, x3, [sp, #256]
    msr     elr_el1, x2
    msr     spsr_el1, x3
    ldp     x30, x2, [sp, #240]
    msr     sp_el0, x2
    LOAD_X0_X17
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    add     sp, sp, #FRAME_SIZE         // to EL0: the end of the task's frame, where its next exception saves
    eret
