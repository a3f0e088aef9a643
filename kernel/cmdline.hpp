// The kernel command line: what QEMU passes with -append (read through semihosting), or on hardware the
// devicetree's /chosen/bootargs (cmdline.txt, or U-Boot's ${bootargs}). Without either every option
// reads as absent.
#pragma once

#include <cstdint>

namespace bramble::cmdline {

// Reads the command line once (semihosting must have been probed): the emulator's -append text through
// semihosting when there is one, else /chosen/bootargs of the devicetree at `dtb` (`dtb_size` bytes,
// 0: none), which the Pi firmware fills from cmdline.txt and U-Boot's booti from ${bootargs}.
void load(const void* dtb, std::uint32_t dtb_size);
// Where it came from: "semihosting", "devicetree" or "none".
[[nodiscard]] const char* source();
[[nodiscard]] const char* text();

// The value of `key=value` in the command line, copied into buffer; false if absent.
bool option(const char* key, char* buffer, unsigned size);

} // namespace bramble::cmdline
