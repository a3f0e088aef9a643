// irq_handler_create, irq_ack, device_frame_create: success and every error a program can provoke
// without taking the console UART (tests/programs/devices does that, with a real interrupt).
#include "tests/programs/syscall_errors/syscall_errors.hpp"

namespace syscall_errors {

void test_device_calls(const Env& env) {
  const abi::BootInfo& boot = *env.root.boot;
  const Word irq = boot.slot_irq_control;
  const Word n = new_notification(env);
  Word line = ~Word{0};
  for (Word i = 0; i < boot.device_count && i < abi::kMaxBootDevices; ++i) {
    if (boot.devices[i].irq != ~Word{0}) line = boot.devices[i].irq;
  }
  CHECK(line != ~Word{0});

  check::section("device_frame_create");
  const Word frame = CHECK_OK(sys::device_frame_create(irq, 1)).r1; // not the console UART (device 0)
  const SyscallResult info = CHECK_OK(sys::cap_info(frame));
  CHECK(sys::info_type(info) == abi::CapType::Frame);
  CHECK_OK(sys::cap_delete(frame));
  CHECK_ERR(sys::device_frame_create(0, 1), InvalidSlot);
  CHECK_ERR(sys::device_frame_create(env.beyond, 1), InvalidSlot);
  CHECK_ERR(sys::device_frame_create(env.empty, 1), EmptySlot);
  CHECK_ERR(sys::device_frame_create(env.root.memory, 1), WrongType);
  const Word weak = mint(irq, abi::kRightGrant, 0);
  CHECK_ERR(sys::device_frame_create(weak, 1), InsufficientRights);
  CHECK_ERR(sys::device_frame_create(irq, boot.device_count), InvalidDevice);

  check::section("irq_handler_create");
  const Word handler = CHECK_OK(sys::irq_handler_create(irq, line, n)).r1;
  CHECK_ERR(sys::irq_handler_create(irq, line, n), DeviceBusy);
  CHECK_ERR(sys::irq_handler_create(irq, 30, n), InvalidDevice);
  CHECK_ERR(sys::irq_handler_create(irq, 0, n), InvalidDevice);
  CHECK_ERR(sys::irq_handler_create(0, line, n), InvalidSlot);
  CHECK_ERR(sys::irq_handler_create(env.empty, line, n), EmptySlot);
  CHECK_ERR(sys::irq_handler_create(irq, line, env.root.memory), WrongType);
  CHECK_ERR(sys::irq_handler_create(weak, line, n), InsufficientRights);

  check::section("irq_ack");
  CHECK_OK(sys::irq_ack(handler));
  CHECK_ERR(sys::irq_ack(0), InvalidSlot);
  CHECK_ERR(sys::irq_ack(env.empty), EmptySlot);
  CHECK_ERR(sys::irq_ack(n), WrongType);
  const Word weak_handler = mint(handler, abi::kRightGrant, 0);
  CHECK_ERR(sys::irq_ack(weak_handler), InsufficientRights);
  CHECK_OK(sys::cap_delete(handler)); // frees the line (and the weaker copy with it)
  const Word again = CHECK_OK(sys::irq_handler_create(irq, line, n)).r1;
  CHECK_OK(sys::cap_delete(again));
  CHECK_OK(sys::cap_delete(weak));
  CHECK_OK(sys::cap_delete(n));
}

} // namespace syscall_errors
