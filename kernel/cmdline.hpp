// The kernel command line: what QEMU passes with -append, read through semihosting. On hardware there
// is no semihosting and the line is empty, so every option reads as absent.
#pragma once

namespace bramble::cmdline {

// Reads the command line once (semihosting must have been probed).
void load();
[[nodiscard]] const char* text();

// The value of `key=value` in the command line, copied into buffer; false if absent.
bool option(const char* key, char* buffer, unsigned size);

} // namespace bramble::cmdline
