// kernel-down: the kernel includes user space.
#include "user/lib/sys.hpp"
