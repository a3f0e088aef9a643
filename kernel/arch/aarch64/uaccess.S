// Memory accesses that may fault without taking the kernel down: copies to and from user space, and
// probes of an address. Each access that may fault is listed in the __ex_table section as
// {instruction, fixup}; when a data abort hits a listed instruction at EL1, exception_dispatch
// resumes at its fixup instead of reporting a kernel fault (the technique of Linux's exception
// tables). The fixups return how many bytes were left uncopied (or -1 for a probe).

.macro EX_ENTRY insn, fixup
    .pushsection __ex_table, "a"
    .balign 8
    .quad   \insn, \fixup
    .popsection
.endm

    .section .text, "ax"

// std::size_t copy_from_user(void* dst, const void* user_src, std::size_t n): bytes NOT copied.
    .global copy_from_user
copy_from_user:
    cbz     x2, 2f
1:  ldrb    w3, [x1], #1
    EX_ENTRY 1b, 9f
    strb    w3, [x0], #1
    subs    x2, x2, #1
    b.ne    1b
2:  mov     x0, #0
    ret
9:  mov     x0, x2
    ret

// std::size_t copy_to_user(void* user_dst, const void* src, std::size_t n): bytes NOT copied.
    .global copy_to_user
copy_to_user:
    cbz     x2, 4f
3:  ldrb    w3, [x1], #1
    strb    w3, [x0], #1
    EX_ENTRY 3b+4, 8f
    subs    x2, x2, #1
    b.ne    3b
4:  mov     x0, #0
    ret
8:  mov     x0, x2
    ret

// int probe_read_u64(const void* address, std::uint64_t* value): 0, or -1 if the load faulted.
    .global probe_read_u64
probe_read_u64:
5:  ldr     x2, [x0]
    EX_ENTRY 5b, 7f
    str     x2, [x1]
    mov     x0, #0
    ret
7:  mov     x0, #-1
    ret

// int probe_write_u64(void* address, std::uint64_t value): 0, or -1 if the store faulted.
    .global probe_write_u64
probe_write_u64:
6:  str     x1, [x0]
    EX_ENTRY 6b, 7b
    mov     x0, #0
    ret
