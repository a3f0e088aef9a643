// Uses the installed bramble::ipc package: lays a ring out in page-aligned memory, opens both ends,
// moves a few items and a record, and exits 0 only if they arrive intact.
#include <bramble/ipc/ipc.hpp>

#include <cstdint>
#include <cstdio>

namespace ipc = bramble::ipc;

namespace {
using Ring = ipc::SpscRing<std::uint64_t, 16>;
using Rec = ipc::RecordRing<1024>;
alignas(ipc::kPageSize) unsigned char ring_memory[Ring::kBytes];
alignas(ipc::kPageSize) unsigned char record_memory[Rec::kBytes];
} // namespace

int main() {
  if (!Ring::format(ring_memory, sizeof ring_memory).ok()) return 1;
  auto tx = Ring::open_producer(ring_memory, sizeof ring_memory);
  auto rx = Ring::open_consumer(ring_memory, sizeof ring_memory);
  if (!tx.ok() || !rx.ok()) return 2;
  std::uint64_t sum = 0;
  for (std::uint64_t i = 1; i <= 10; ++i)
    if (!tx->try_push(i).ok()) return 3;
  for (int i = 0; i < 10; ++i) {
    auto v = rx->try_pop();
    if (!v.ok()) return 4;
    sum += v.value();
  }
  if (sum != 55) return 5;

  if (!Rec::format(record_memory, sizeof record_memory).ok()) return 6;
  auto rtx = Rec::open_producer(record_memory, sizeof record_memory);
  auto rrx = Rec::open_consumer(record_memory, sizeof record_memory);
  if (!rtx.ok() || !rrx.ok()) return 7;
  const std::byte msg[5] = {std::byte{'h'}, std::byte{'e'}, std::byte{'l'}, std::byte{'l'}, std::byte{'o'}};
  if (!rtx->try_push(msg).ok()) return 8;
  std::byte out[16];
  auto n = rrx->try_pop(out);
  if (!n.ok() || n.value() != 5 || out[4] != std::byte{'o'}) return 9;
  std::puts("bramble::ipc package works");
  return 0;
}
