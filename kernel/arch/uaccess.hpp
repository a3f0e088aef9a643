// Accesses that may fault: copy_from_user(), copy_to_user(), probe_read_u64(), probe_write_u64() turn a
// fault into a short count or an error instead of a kernel exception.
#pragma once

#if defined(__aarch64__)
#include "kernel/arch/aarch64/uaccess.hpp"
#else
#error "kernel/arch: no implementation of uaccess.hpp for this architecture"
#endif
