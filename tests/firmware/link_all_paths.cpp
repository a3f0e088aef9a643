// Linked without a C library for every target by firmware.link.<target>: instantiates every ring
// operation (element and record ring, both granules, try/blocking/batch/zero-copy paths, deferred
// publication, the notify-on-need sleep and wake paths, closing). link_check.cmake then fails if the
// image references any __atomic_* or __sync_* symbol (a libatomic / libgcc helper call) and checks
// that a full barrier instruction is in it.
#include <cstddef>
#include <cstdint>

#include "bramble/ipc/ipc.hpp"
#include "golden_layout.hpp"

namespace ipc = bramble::ipc;

// memcpy, memmove and memset come from firmware/common/memory.cpp, linked beside this file.

namespace {
int signals = 0;
void on_signal(void*) { ++signals; }
void on_wait(void*) {}

#if defined(BRAMBLE_LINK_TEST_INJECT_ATOMIC)
// What the check must catch: a read-modify-write atomic (on ARMv6-M a __atomic_fetch_add_4 call).
std::uint32_t counter;
#endif

template <typename T, std::size_t N, typename I, ipc::Granule G> int element_ring(unsigned char* memory) {
  using Ring = ipc::SpscRing<T, N, I, G>;
  const ipc::FunctionNotifier n{nullptr, on_signal, on_wait};
  if (!Ring::format(memory, Ring::kBytes, static_cast<I>(~I{0} - 3)).ok()) return 1;
  auto tx = Ring::open_producer(memory, Ring::kBytes, n);
  auto rx = Ring::open_consumer(memory, Ring::kBytes, n);
  if (!tx.ok() || !rx.ok()) return 2;
  if (!tx->push(1).ok() || !tx->try_push(2).ok() || !tx->try_emplace(T{3}).ok()) return 3;
  const T batch[3] = {4, 5, 6};
  if (tx->try_push_batch(batch).value_or(0) != 3) return 4;
  auto w = tx->reserve(2);
  if (!w.ok()) return 5;
  (*w)[0] = 7;
  if (!tx->commit(1).ok()) return 6;
  T sum = 0, v = 0;
  if (!rx->pop(v).ok()) return 7;
  sum += v;
  if (!rx->try_pop(v).ok()) return 8;
  sum += v;
  T out[2];
  if (rx->try_pop_batch(out).value_or(0) != 2) return 9;
  sum += out[0] + out[1];
  auto r = rx->peek(8);
  if (!r.ok()) return 10;
  for (T x : *r)
    sum += x;
  if (!rx->release(r->size()).ok()) return 11;
  if (sum != 28) return 12;
  // Sleep paths: Empty then wait_for_data (re-checks, finds nothing, "sleeps" in on_wait), Full then
  // wait_for_space.
  if (rx->try_pop(v).ok() || !rx->wait_for_data().ok()) return 13;
  while (tx->try_push(9).ok()) {
  }
  if (!tx->wait_for_space(1).ok()) return 14;
  ipc::mark_closed(memory);
  return ipc::is_closed(memory) ? 0 : 15;
}

template <std::size_t N, typename I, ipc::Granule G> int record_ring(unsigned char* memory) {
  using Ring = ipc::RecordRing<N, I, G>;
  const ipc::FunctionNotifier n{nullptr, on_signal, on_wait};
  if (!Ring::format(memory, Ring::kBytes, static_cast<I>(~I{0} - 15)).ok()) return 20;
  auto tx = Ring::open_producer(memory, Ring::kBytes, n);
  auto rx = Ring::open_consumer(memory, Ring::kBytes, n);
  if (!tx.ok() || !rx.ok()) return 21;
  const std::byte msg[3] = {std::byte{1}, std::byte{2}, std::byte{3}};
  if (!tx->push(msg).ok() || !tx->try_push(msg, ipc::Publish::Later).ok()) return 22;
  auto w = tx->reserve(5);
  if (!w.ok()) return 23;
  (*w)[0] = std::byte{4};
  if (!tx->commit(5, ipc::Publish::Later).ok()) return 24;
  tx->publish();
  std::byte got[8];
  if (rx->pop(got).value_or(0) != 3 || rx->try_pop(got, ipc::Publish::Later).value_or(0) != 3) return 25;
  auto p = rx->peek();
  if (!p.ok() || p->size() != 5 || !rx->release(ipc::Publish::Later).ok()) return 26;
  rx->publish();
  if (rx->peek().ok() || !rx->wait_for_data().ok()) return 27;
  if (!tx->wait_for_space(16).ok()) return 28;
  return 0;
}

alignas(ipc::kPageSize) unsigned char memory[ipc::kPageSize * 5];
} // namespace

extern "C" int bramble_link_test() {
  int r = element_ring<std::uint32_t, 64, std::uint32_t, ipc::Granule::Line>(memory);
  if (r == 0) r = element_ring<std::uint32_t, 64, std::uint32_t, ipc::Granule::Page>(memory);
  if (r == 0) r = element_ring<std::uint32_t, 64, ipc::DefaultIndex, ipc::Granule::Line>(memory);
  if (r == 0) r = record_ring<256, std::uint32_t, ipc::Granule::Line>(memory);
  if (r == 0) r = record_ring<256, ipc::DefaultIndex, ipc::Granule::Page>(memory);
#if defined(BRAMBLE_LINK_TEST_INJECT_ATOMIC)
  __atomic_fetch_add(&counter, 1U, __ATOMIC_SEQ_CST);
#endif
  return r + signals;
}

volatile int bramble_link_result;
extern "C" [[noreturn]] void _start() {
  bramble_link_result = bramble_link_test();
  for (;;) {
  }
}
