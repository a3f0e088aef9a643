/* User program entry. The kernel enters here at EL0 with SP_EL0 set and x0 = the address of the
 * task's read-only startup page (opaque to the runtime: handed to main unchanged). Clears .bss, runs
 * the constructors in .init_array, calls int main(const void* startup) and ends the task with main's
 * return value (bramble_user_main in runtime.cpp). Symbols come from user.ld. */
    .section .text._start, "ax"
    .globl _start
    .type _start, %function
_start:
    mov     x19, x0                 /* callee-saved across the calls below */

    /* AAPCS64 6.4.5.1: SP must be 16-byte aligned at every public interface; do not rely on the
     * kernel for that. AND (immediate) may write SP but not read it, hence the detour via x9. */
    mov     x9, sp
    and     x9, x9, #~15
    mov     sp, x9
    /* A zero frame record ends the frame-pointer chain for debuggers and backtraces (AAPCS64 6.4.6). */
    mov     x29, #0
    mov     x30, #0

    /* .bss starts and ends 16-byte aligned (user.ld), so pairs of zero registers clear it exactly.
     * The kernel hands out zeroed frames already; clearing here keeps the program correct even if a
     * loader ever maps bss from non-zeroed memory. */
    adrp    x1, __bss_start
    add     x1, x1, :lo12:__bss_start
    adrp    x2, __bss_end
    add     x2, x2, :lo12:__bss_end
1:  cmp     x1, x2
    b.hs    2f
    stp     xzr, xzr, [x1], #16
    b       1b

2:  adrp    x20, __init_array_start
    add     x20, x20, :lo12:__init_array_start
    adrp    x21, __init_array_end
    add     x21, x21, :lo12:__init_array_end
3:  cmp     x20, x21
    b.hs    4f
    ldr     x3, [x20], #8
    blr     x3
    b       3b

    /* main is called from C++ (runtime.cpp): its symbol name is the compiler's business (clang in
     * freestanding mode mangles it, GCC does not), so assembly never names it. */
4:  mov     x0, x19
    bl      bramble_user_main
5:  b       5b
    .size _start, . - _start
