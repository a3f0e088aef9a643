// abi-only: user space includes a kernel header that is not kernel/abi/.
#pragma once
#include "kernel/object/frame.hpp"
