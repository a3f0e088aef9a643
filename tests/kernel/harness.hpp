// What the test scenarios use of the kernel's command line and halt path (kernel/cmdline.hpp,
// kernel/halt.hpp), under the names the scenarios were written with.
#pragma once

#include "kernel/cmdline.hpp"
#include "kernel/halt.hpp"

namespace bramble::test {

using cmdline::option;
using halt::ExitCode;
using halt::finish;

} // namespace bramble::test
