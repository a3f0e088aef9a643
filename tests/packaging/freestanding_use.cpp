// A freestanding program that instantiates every ring path (element, batch, zero-copy, records,
// blocking calls through a notifier) with no C library. packaging.ipc.use.* compile it for the host and
// link it for AArch64 and Cortex-M4: a 64-bit atomic helper or outline-atomic call would not link.
#include <cstddef>
#include <cstdint>

#include "bramble/ipc/ipc.hpp"

namespace ipc = bramble::ipc;

// What a firmware image provides itself (the compiler may call these for copies and clears).
extern "C" {
void* memcpy(void* dst, const void* src, std::size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  const auto* s = static_cast<const unsigned char*>(src);
  while (n-- != 0)
    *d++ = *s++;
  return dst;
}
void* memmove(void* dst, const void* src, std::size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  const auto* s = static_cast<const unsigned char*>(src);
  if (d < s) {
    while (n-- != 0)
      *d++ = *s++;
  } else {
    while (n-- != 0)
      d[n] = s[n];
  }
  return dst;
}
void* memset(void* dst, int c, std::size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  while (n-- != 0)
    *d++ = static_cast<unsigned char>(c);
  return dst;
}
}

namespace {
using Ring = ipc::SpscRing<std::uint32_t, 64>;
using Rec = ipc::RecordRing<256>;
alignas(ipc::kPageSize) unsigned char ring_memory[Ring::kBytes];
alignas(ipc::kPageSize) unsigned char record_memory[Rec::kBytes];

int signals = 0;
void on_signal(void*) { ++signals; }
void on_wait(void*) {}

#if defined(BRAMBLE_USE_ATOMIC_64)
// What the packaging check must catch: on Cortex-M4 this needs __atomic_load_8 from a library.
std::atomic<std::uint64_t> wide{0};
#endif
} // namespace

extern "C" int bramble_ipc_selftest() {
  const ipc::FunctionNotifier notifier{nullptr, on_signal, on_wait};
  if (!Ring::format(ring_memory, sizeof ring_memory).ok()) return 1;
  auto tx = Ring::open_producer(ring_memory, sizeof ring_memory, notifier);
  auto rx = Ring::open_consumer(ring_memory, sizeof ring_memory, notifier);
  if (!tx.ok() || !rx.ok()) return 2;
  if (!tx->push(1).ok() || !tx->try_emplace(2U).ok()) return 3;
  const std::uint32_t batch[3] = {3, 4, 5};
  if (tx->try_push_batch(batch).value_or(0) != 3) return 4;
  auto w = tx->reserve(2);
  if (!w.ok()) return 5;
  (*w)[0] = 6;
  (*w)[1] = 7;
  if (!tx->commit(2).ok()) return 6;
  std::uint32_t sum = 0, v = 0;
  if (!rx->pop(v).ok()) return 7;
  sum += v;
  std::uint32_t out[3];
  if (rx->try_pop_batch(out).value_or(0) != 3) return 8;
  sum += out[0] + out[1] + out[2];
  auto r = rx->peek(8);
  if (!r.ok()) return 9;
  for (std::uint32_t x : *r)
    sum += x;
  if (!rx->release(r->size()).ok()) return 10;
  if (sum != 28) return 11;

  if (!Rec::format(record_memory, sizeof record_memory).ok()) return 12;
  auto rtx = Rec::open_producer(record_memory, sizeof record_memory, notifier);
  auto rrx = Rec::open_consumer(record_memory, sizeof record_memory, notifier);
  if (!rtx.ok() || !rrx.ok()) return 13;
  const std::byte msg[3] = {std::byte{1}, std::byte{2}, std::byte{3}};
  if (!rtx->push(msg).ok()) return 14;
  std::byte got[8];
  if (rrx->pop(got).value_or(0) != 3) return 15;
#if defined(BRAMBLE_USE_ATOMIC_64)
  wide.store(wide.load() + 1);
#endif
  return 0;
}

#if !defined(__x86_64__)
volatile int bramble_ipc_result;
extern "C" [[noreturn]] void _start() {
  bramble_ipc_result = bramble_ipc_selftest();
  for (;;) {
  }
}
#endif
