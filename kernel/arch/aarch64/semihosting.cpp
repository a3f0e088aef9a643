#include "kernel/arch/aarch64/semihosting.hpp"

#include "kernel/arch/aarch64/esr.hpp"

extern "C" std::int64_t semihosting_trap(std::uint64_t operation, const void* argument);

namespace bramble::semihosting {
namespace {

// Operation numbers and the ADP stop reason, from the semihosting specification (ARM IHI 0061).
constexpr std::uint64_t kSysGetCmdline = 0x15;
constexpr std::uint64_t kSysExitExtended = 0x20;
constexpr std::uint64_t kSysErrno = 0x13;
constexpr std::uint64_t kAdpStoppedApplicationExit = 0x20026;

enum class State { Unknown, Present, Absent };
State g_state = State::Unknown;

} // namespace

void probe() {
  g_state = State::Unknown;
  (void)semihosting_trap(kSysErrno, nullptr);
  // If the HLT was undefined, handle_undefined_trap() has set Absent by now.
  if (g_state == State::Unknown) g_state = State::Present;
}

bool available() { return g_state == State::Present; }

bool command_line(char* buffer, std::size_t size) {
  if (!available() || size == 0) return false;
  struct {
    char* data;
    std::uint64_t length;
  } block{buffer, size};
  if (semihosting_trap(kSysGetCmdline, &block) != 0) return false;
  const std::size_t n = block.length < size ? block.length : size - 1;
  buffer[n] = '\0';
  return n > 0;
}

void exit(std::uint32_t code) {
  if (!available()) return;
  const std::uint64_t block[2] = {kAdpStoppedApplicationExit, code};
  semihosting_trap(kSysExitExtended, block);
}

bool handle_undefined_trap(arch::ExceptionFrame& frame) {
  const auto esr = arch::Esr::decode(frame.esr);
  if (esr.ec != arch::ec::kUnknown || frame.elr != reinterpret_cast<std::uintptr_t>(&semihosting_trap)) {
    return false;
  }
  // HLT #0xF000 is undefined here: no semihosting. Report -1 and step over it.
  g_state = State::Absent;
  frame.x[0] = static_cast<std::uint64_t>(-1);
  frame.elr += 4;
  return true;
}

} // namespace bramble::semihosting
