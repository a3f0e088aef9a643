// Fuzz target: the flattened-device-tree reader (kernel/fdt/fdt.hpp) over the fuzz input as the blob.
//
// The input is the whole blob, at any alignment, in a heap buffer of exactly its size (libFuzzer's own
// copy), so reading one byte past it is an ASan report. Checked beyond "no crash":
//  - create() promises a blob it accepts is well formed (fdt.hpp, "Trust model"): after it succeeds,
//    the generic walk (node_name, for_each_child, for_each_property, skip_node, find_child, token_at)
//    must never report a structural error, and every name and value it hands out lies in the blob;
//  - find_child(parent, name of a child) finds a child of that name;
//  - memory_ranges / reserved_ranges / bootargs / find_path return values or errors, and the ranges
//    they report never wrap past 2^64 and are never empty.
#include <array>
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "kernel/fdt/fdt.hpp"

namespace {

using namespace bramble::fdt;

// Errors that mean "the structure is broken": impossible once create() has accepted the blob.
bool structural(FdtError e) {
  return e == FdtError::Truncated || e == FdtError::BadMagic || e == FdtError::BadVersion || e == FdtError::BadLayout ||
         e == FdtError::BadToken || e == FdtError::BadNesting || e == FdtError::BadString;
}

struct Walker {
  const Fdt& fdt;
  const std::uint8_t* blob;
  std::size_t size;
  std::size_t nodes = 0;

  bool in_blob(const void* p, std::size_t n) const {
    const auto begin = reinterpret_cast<std::uintptr_t>(blob);
    const auto at = reinterpret_cast<std::uintptr_t>(p);
    return n == 0 || (at >= begin && n <= size && at - begin <= size - n);
  }

  template <typename T> void expect_ok(const bramble::Result<T, FdtError>& r) {
    BRAMBLE_FUZZ_CHECK(r.ok() || !structural(r.error()));
  }

  void walk(Node node, std::uint32_t depth) {
    BRAMBLE_FUZZ_CHECK(depth <= kMaxDepth);
    ++nodes;
    auto name = fdt.node_name(node);
    BRAMBLE_FUZZ_CHECK(name.ok());
    BRAMBLE_FUZZ_CHECK(in_blob(name->data(), name->size()));
    auto end = fdt.skip_node(node);
    BRAMBLE_FUZZ_CHECK(end.ok() && end.value() > node.offset);

    std::size_t properties = 0;
    auto props = fdt.for_each_property(node, [&](const Property& p) {
      BRAMBLE_FUZZ_CHECK(in_blob(p.name.data(), p.name.size()) && in_blob(p.value.data(), p.value.size()));
      ++properties;
      return true;
    });
    BRAMBLE_FUZZ_CHECK(props.ok());
    // Property lookups by name: what the kernel asks, plus one that never exists.
    for (const char* prop : {"reg", "status", "device_type", "#address-cells", "#size-cells", "no-such-property"}) {
      expect_ok(fdt.property(node, prop));
    }
    expect_ok(fdt.address_cells(node));
    expect_ok(fdt.size_cells(node));
    expect_ok(fdt.is_available(node));

    auto children = fdt.for_each_child(node, [&](Node child) {
      BRAMBLE_FUZZ_CHECK(child.offset > node.offset && child.offset < end.value());
      auto child_name = fdt.node_name(child);
      BRAMBLE_FUZZ_CHECK(child_name.ok());
      // Looking the child up by its full name finds a child with that name (the first, if repeated).
      auto found = fdt.find_child(node, child_name.value());
      BRAMBLE_FUZZ_CHECK(found.ok());
      auto found_name = fdt.node_name(found.value());
      BRAMBLE_FUZZ_CHECK(found_name.ok() && found_name->size() >= child_name->size());
      walk(child, depth + 1);
      return true;
    });
    BRAMBLE_FUZZ_CHECK(children.ok());
  }
};

void check_ranges(const bramble::Result<std::size_t, FdtError>& r, const std::array<Range, 16>& out) {
  if (!r.ok()) return;
  BRAMBLE_FUZZ_CHECK(r.value() <= out.size());
  for (std::size_t i = 0; i < r.value(); ++i) {
    BRAMBLE_FUZZ_CHECK(out[i].size != 0);
    BRAMBLE_FUZZ_CHECK(out[i].base + (out[i].size - 1) >= out[i].base); // no wrap past 2^64
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size >= 8) {
    auto total = header_total_size(data);
    if (total.ok()) BRAMBLE_FUZZ_CHECK(total.value() <= 0xffff'ffffu);
  }
  auto created = Fdt::create(data, size);
  if (!created.ok()) return 0;
  const Fdt& fdt = created.value();
  BRAMBLE_FUZZ_CHECK(fdt.total_size() <= size);

  Walker walker{fdt, data, fdt.total_size()};
  walker.walk(fdt.root(), 0);
  BRAMBLE_FUZZ_CHECK(walker.nodes >= 1);

  // Raw token decoding at every aligned offset of the blob's structure block never reads outside it.
  for (std::uint32_t offset = 0; offset < 4096; offset += 4) {
    auto token = fdt.token_at(offset);
    if (!token.ok()) continue;
    BRAMBLE_FUZZ_CHECK(walker.in_blob(token->name.data(), token->name.size()));
    BRAMBLE_FUZZ_CHECK(walker.in_blob(token->value.data(), token->value.size()));
  }

  std::array<Range, 16> ranges{};
  auto memory = fdt.memory_ranges(ranges);
  BRAMBLE_FUZZ_CHECK(memory.ok() || !structural(memory.error())); // walks only validated structure
  check_ranges(memory, ranges);
  check_ranges(fdt.reserved_ranges(ranges), ranges);
  // A tiny output span must give NoSpace rather than write past it.
  std::array<Range, 1> one{};
  auto few = fdt.memory_ranges(std::span<Range>(one.data(), 0));
  BRAMBLE_FUZZ_CHECK(few.ok() ? few.value() == 0 : true);

  auto args = fdt.bootargs();
  if (args.ok()) BRAMBLE_FUZZ_CHECK(walker.in_blob(args->data(), args->size()));
  for (const char* path : {"/", "/chosen", "/memory", "/reserved-memory", "//chosen//", "/soc/serial@7e201000"}) {
    auto node = fdt.find_path(path);
    BRAMBLE_FUZZ_CHECK(node.ok() || !structural(node.error()));
  }
  return 0;
}
