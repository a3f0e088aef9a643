// ipc-alone: the IPC library includes the kernel ABI.
#pragma once
#include "kernel/abi/errors.hpp"
