// Shared helpers for the FDT tests: loading blobs, and libfdt (the reference implementation the
// Devicetree project maintains) as the oracle our reader's answers are compared with.
#pragma once

#include "kernel/fdt/fdt.hpp"

#include <libfdt.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace fdt_test {

using bramble::fdt::Range;
using Blob = std::vector<std::uint8_t>;

inline Blob load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Blob(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline std::string generated_dtb(const char* name) { return std::string(BRAMBLE_FDT_TEST_DTB_DIR "/") + name + ".dtb"; }

inline std::uint64_t cells_at(const std::uint8_t* p, int cells) {
  std::uint64_t v = 0;
  for (int i = 0; i < cells; ++i) {
    std::uint32_t word;
    std::memcpy(&word, p + 4 * i, 4);
    v = (v << 32) | fdt32_to_cpu(word);
  }
  return v;
}

// Same rule as Fdt::is_available: status absent, "okay" or "ok".
inline bool oracle_available(const void* fdt, int node) {
  int len = 0;
  const auto* status = static_cast<const char*>(fdt_getprop(fdt, node, "status", &len));
  if (status == nullptr) return true;
  return std::strcmp(status, "okay") == 0 || std::strcmp(status, "ok") == 0;
}

inline void oracle_reg(const void* fdt, int node, int ac, int sc, std::vector<Range>& out) {
  int len = 0;
  const auto* reg = static_cast<const std::uint8_t*>(fdt_getprop(fdt, node, "reg", &len));
  if (reg == nullptr) return;
  const int entry = 4 * (ac + sc);
  for (int at = 0; at + entry <= len; at += entry) {
    const Range r{cells_at(reg + at, ac), cells_at(reg + at + 4 * ac, sc)};
    if (r.size != 0) out.push_back(r);
  }
}

inline std::vector<Range> oracle_memory(const void* fdt) {
  std::vector<Range> out;
  const int ac = fdt_address_cells(fdt, 0);
  const int sc = fdt_size_cells(fdt, 0);
  int node;
  fdt_for_each_subnode(node, fdt, 0) {
    int len = 0;
    const auto* type = static_cast<const char*>(fdt_getprop(fdt, node, "device_type", &len));
    if (type == nullptr || len != 7 || std::strcmp(type, "memory") != 0) continue;
    if (!oracle_available(fdt, node)) continue;
    oracle_reg(fdt, node, ac, sc, out);
  }
  return out;
}

inline std::vector<Range> oracle_reserved(const void* fdt) {
  std::vector<Range> out;
  for (int i = 0; i < fdt_num_mem_rsv(fdt); ++i) {
    std::uint64_t base = 0, size = 0;
    if (fdt_get_mem_rsv(fdt, i, &base, &size) == 0) out.push_back({base, size});
  }
  const int rsv = fdt_path_offset(fdt, "/reserved-memory");
  if (rsv < 0) return out;
  const int ac = fdt_address_cells(fdt, rsv);
  const int sc = fdt_size_cells(fdt, rsv);
  int node;
  fdt_for_each_subnode(node, fdt, rsv) {
    if (oracle_available(fdt, node)) oracle_reg(fdt, node, ac, sc, out);
  }
  return out;
}

// bootargs, or nullptr when /chosen or the property is absent.
inline const char* oracle_bootargs(const void* fdt) {
  const int chosen = fdt_path_offset(fdt, "/chosen");
  if (chosen < 0) return nullptr;
  return static_cast<const char*>(fdt_getprop(fdt, chosen, "bootargs", nullptr));
}

inline std::vector<Range> ours_memory(const bramble::fdt::Fdt& fdt) {
  std::vector<Range> out(64);
  auto n = fdt.memory_ranges(out);
  if (!n) return {{~0ULL, static_cast<std::uint64_t>(n.error())}}; // an impossible range: fails equality
  out.resize(*n);
  return out;
}

inline std::vector<Range> ours_reserved(const bramble::fdt::Fdt& fdt) {
  std::vector<Range> out(64);
  auto n = fdt.reserved_ranges(out);
  if (!n) return {{~0ULL, static_cast<std::uint64_t>(n.error())}};
  out.resize(*n);
  return out;
}

// The blob with its structure block cut to `keep` bytes and the strings block moved up behind it
// (header fields adjusted), so the cut lands inside the structure walk rather than in the layout check.
// Assumes dtc's block order: header, reservation map, structure, strings.
inline Blob cut_structure(const Blob& original, std::size_t keep) {
  const void* fdt = original.data();
  const std::size_t off_struct = fdt_off_dt_struct(fdt);
  const std::size_t off_strings = fdt_off_dt_strings(fdt);
  const std::size_t size_strings = fdt_size_dt_strings(fdt);
  Blob out(original.begin(), original.begin() + static_cast<long>(off_struct + keep));
  out.insert(out.end(), original.begin() + static_cast<long>(off_strings),
             original.begin() + static_cast<long>(off_strings + size_strings));
  fdt_set_off_dt_strings(out.data(), static_cast<std::uint32_t>(off_struct + keep));
  fdt_set_size_dt_struct(out.data(), static_cast<std::uint32_t>(keep));
  fdt_set_totalsize(out.data(), static_cast<std::uint32_t>(out.size()));
  return out;
}

inline std::string to_string(std::span<const char> s) { return std::string(s.data(), s.size()); }

} // namespace fdt_test
