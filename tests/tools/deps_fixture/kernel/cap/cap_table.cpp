// host-testable: the capability code includes a kernel object.
#include "kernel/object/frame.hpp"
