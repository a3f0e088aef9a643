// Hand-assembles DTBs token by token (DT spec 5.2-5.5), so tests can build blobs dtc refuses to make:
// unterminated names, unclosed nodes, overrunning properties, unknown tokens.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace fdt_test {

class BlobBuilder {
public:
  BlobBuilder& begin_node(const std::string& name, bool terminate = true) {
    word(0x1);
    for (char c : name)
      structure_.push_back(static_cast<std::uint8_t>(c));
    if (terminate) structure_.push_back(0);
    pad();
    return *this;
  }
  BlobBuilder& end_node() { return word(0x2); }
  BlobBuilder& nop() { return word(0x4); }
  BlobBuilder& end() { return word(0x9); }
  BlobBuilder& word(std::uint32_t v) {
    put(structure_, v);
    return *this;
  }
  // A property; `claimed_len` overrides the length field (to make it lie), `nameoff` the name offset.
  BlobBuilder& prop(const std::string& name, const std::vector<std::uint8_t>& value, long claimed_len = -1,
                    long nameoff = -1) {
    word(0x3);
    word(static_cast<std::uint32_t>(claimed_len >= 0 ? static_cast<std::size_t>(claimed_len) : value.size()));
    word(static_cast<std::uint32_t>(nameoff >= 0 ? static_cast<std::size_t>(nameoff) : string_offset(name)));
    structure_.insert(structure_.end(), value.begin(), value.end());
    pad();
    return *this;
  }
  BlobBuilder& prop_cells(const std::string& name, const std::vector<std::uint32_t>& cells) {
    std::vector<std::uint8_t> value;
    for (auto c : cells)
      put(value, c);
    return prop(name, value);
  }
  BlobBuilder& prop_string(const std::string& name, const std::string& text) {
    std::vector<std::uint8_t> value(text.begin(), text.end());
    value.push_back(0);
    return prop(name, value);
  }
  BlobBuilder& reserve(std::uint64_t base, std::uint64_t size) {
    reservations_.emplace_back(base, size);
    return *this;
  }
  // Appends raw bytes to the strings block (e.g. a name without its NUL at the very end).
  BlobBuilder& raw_string_bytes(const std::string& bytes) {
    strings_.insert(strings_.end(), bytes.begin(), bytes.end());
    return *this;
  }
  std::size_t strings_size() const { return strings_.size(); }

  std::vector<std::uint8_t> build(std::uint32_t version = 17) const {
    std::vector<std::uint8_t> rsv;
    for (auto [base, size] : reservations_) {
      put64(rsv, base);
      put64(rsv, size);
    }
    put64(rsv, 0);
    put64(rsv, 0);
    const std::uint32_t off_rsv = 40;
    const auto off_struct = static_cast<std::uint32_t>(off_rsv + rsv.size());
    const auto off_strings = static_cast<std::uint32_t>(off_struct + structure_.size());
    const auto total = static_cast<std::uint32_t>(off_strings + strings_.size());
    std::vector<std::uint8_t> out;
    for (std::uint32_t v : {0xd00dfeedU, total, off_struct, off_strings, off_rsv, version, 16U, 0U,
                            static_cast<std::uint32_t>(strings_.size()), static_cast<std::uint32_t>(structure_.size())})
      put(out, v);
    out.insert(out.end(), rsv.begin(), rsv.end());
    out.insert(out.end(), structure_.begin(), structure_.end());
    out.insert(out.end(), strings_.begin(), strings_.end());
    return out;
  }

private:
  static void put(std::vector<std::uint8_t>& v, std::uint32_t x) {
    for (int s = 24; s >= 0; s -= 8)
      v.push_back(static_cast<std::uint8_t>(x >> s));
  }
  static void put64(std::vector<std::uint8_t>& v, std::uint64_t x) {
    put(v, static_cast<std::uint32_t>(x >> 32));
    put(v, static_cast<std::uint32_t>(x));
  }
  void pad() {
    while (structure_.size() % 4 != 0)
      structure_.push_back(0);
  }
  std::size_t string_offset(const std::string& name) {
    const std::size_t at = strings_.size();
    strings_.insert(strings_.end(), name.begin(), name.end());
    strings_.push_back(0);
    return at;
  }

  std::vector<std::uint8_t> structure_;
  std::vector<std::uint8_t> strings_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> reservations_;
};

// A minimal well-formed tree: / { #address-cells = <1>; #size-cells = <1>; memory@0 {...}; chosen {...} }.
inline BlobBuilder& minimal_tree_body(BlobBuilder& b) {
  return b.begin_node("")
      .prop_cells("#address-cells", {1})
      .prop_cells("#size-cells", {1})
      .begin_node("memory@0")
      .prop_string("device_type", "memory")
      .prop_cells("reg", {0x0, 0x1000'0000})
      .end_node()
      .begin_node("chosen")
      .prop_string("bootargs", "x=1")
      .end_node()
      .end_node();
}

} // namespace fdt_test
