// Everything of the IPC library in one include. Host-only pieces (host_notifier.hpp) are separate.
#pragma once

#include "bramble/ipc/channel.hpp"
#include "bramble/ipc/config.hpp"
#include "bramble/ipc/layout.hpp"
#include "bramble/ipc/notifier.hpp"
#include "bramble/ipc/record_ring.hpp"
#include "bramble/ipc/result.hpp"
#include "bramble/ipc/spsc_ring.hpp"
