// The three questions the kernel asks its DTB: where is RAM, what must never be allocated, and what
// did the boot loader put on the command line.
#include "kernel/fdt/fdt.hpp"

namespace bramble::fdt {
namespace {

// The memory reservation block: pairs of big-endian u64 {address, size} (DT spec 5.3.2).
constexpr ktl::size_t kRsvEntrySize = 16;

ktl::uint64_t read_cells(const ktl::uint8_t* p, ktl::uint32_t cells) {
  ktl::uint64_t v = 0;
  for (ktl::uint32_t i = 0; i < cells; ++i)
    v = (v << 32) | read_be32(p + 4 * i);
  return v;
}

bool equals_string_value(std::span<const ktl::uint8_t> value, const char* text) {
  // A string property's value includes its NUL (DT spec 2.2.4.1): "memory" is 7 bytes.
  ktl::size_t i = 0;
  for (; text[i] != '\0'; ++i) {
    if (i >= value.size() || value[i] != static_cast<ktl::uint8_t>(text[i])) return false;
  }
  return value.size() == i + 1 && value[i] == 0;
}

} // namespace

bramble::Result<ktl::size_t, FdtError> Fdt::append_reg(Node node, ktl::uint32_t address_cells, ktl::uint32_t size_cells,
                                                       std::span<Range> out, ktl::size_t count) const {
  auto reg = property(node, "reg");
  if (!reg) {
    if (reg.error() == FdtError::NotFound) return count;
    return bramble::err(reg.error());
  }
  // reg is a list of (address, size) pairs in the parent's cell sizes (DT spec 2.3.6).
  const ktl::size_t entry = 4 * ktl::size_t{address_cells + size_cells};
  if (reg->value.size() % entry != 0) return bramble::err(FdtError::BadProperty);
  for (ktl::size_t at = 0; at < reg->value.size(); at += entry) {
    const ktl::uint64_t base = read_cells(reg->value.data() + at, address_cells);
    const ktl::uint64_t size = read_cells(reg->value.data() + at + 4 * address_cells, size_cells);
    if (size == 0) continue;
    if (base + size - 1 < base) return bramble::err(FdtError::BadProperty); // wraps past 2^64
    if (count >= out.size()) return bramble::err(FdtError::NoSpace);
    out[count++] = Range{base, size};
  }
  return count;
}

bramble::Result<ktl::size_t, FdtError> Fdt::memory_ranges(std::span<Range> out) const {
  const ktl::uint32_t address_cells_root = BRAMBLE_TRY(address_cells(root()));
  const ktl::uint32_t size_cells_root = BRAMBLE_TRY(size_cells(root()));
  ktl::size_t count = 0;
  bramble::Result<ktl::size_t, FdtError> status = ktl::size_t{0};
  BRAMBLE_TRY_VOID(for_each_child(root(), [&](Node child) {
    auto type = property(child, "device_type");
    if (!type) {
      if (type.error() == FdtError::NotFound) return true;
      status = bramble::err(type.error());
      return false;
    }
    if (!equals_string_value(type->value, "memory")) return true;
    auto available = is_available(child);
    if (!available) {
      status = bramble::err(available.error());
      return false;
    }
    if (!*available) return true;
    status = append_reg(child, address_cells_root, size_cells_root, out, count);
    if (!status) return false;
    count = *status;
    return true;
  }));
  if (!status) return bramble::err(status.error());
  return count;
}

bramble::Result<ktl::size_t, FdtError> Fdt::reserved_ranges(std::span<Range> out) const {
  ktl::size_t count = 0;
  // The reservation block ends at the first entry with size 0 (DT spec 5.3.2 says address and size
  // 0; libfdt's fdt_num_mem_rsv stops at size 0, and so do we, so both agree on every blob).
  for (ktl::uint64_t at = rsvmap_offset_;; at += kRsvEntrySize) {
    if (at + kRsvEntrySize > total_size_) return bramble::err(FdtError::Truncated);
    const ktl::uint64_t base = read_cells(blob_ + at, 2);
    const ktl::uint64_t size = read_cells(blob_ + at + 8, 2);
    if (size == 0) break;
    if (base + size - 1 < base) return bramble::err(FdtError::BadProperty);
    if (count >= out.size()) return bramble::err(FdtError::NoSpace);
    out[count++] = Range{base, size};
  }

  auto reserved = find_path("/reserved-memory");
  if (!reserved) {
    if (reserved.error() == FdtError::NotFound) return count;
    return bramble::err(reserved.error());
  }
  const ktl::uint32_t address_cells_rsv = BRAMBLE_TRY(address_cells(*reserved));
  const ktl::uint32_t size_cells_rsv = BRAMBLE_TRY(size_cells(*reserved));
  bramble::Result<ktl::size_t, FdtError> status = count;
  BRAMBLE_TRY_VOID(for_each_child(*reserved, [&](Node child) {
    auto available = is_available(child);
    if (!available) {
      status = bramble::err(available.error());
      return false;
    }
    if (!*available) return true;
    status = append_reg(child, address_cells_rsv, size_cells_rsv, out, count);
    if (!status) return false;
    count = *status;
    return true;
  }));
  if (!status) return bramble::err(status.error());
  return count;
}

bramble::Result<std::span<const char>, FdtError> Fdt::bootargs() const {
  const Node chosen = BRAMBLE_TRY(find_path("/chosen"));
  const Property args = BRAMBLE_TRY(property(chosen, "bootargs"));
  ktl::size_t len = 0;
  while (len < args.value.size() && args.value[len] != 0)
    ++len;
  if (len == args.value.size()) return bramble::err(FdtError::BadString); // no NUL inside the value
  return std::span<const char>{reinterpret_cast<const char*>(args.value.data()), len};
}

} // namespace bramble::fdt
