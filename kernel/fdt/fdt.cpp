// Header validation, the token decoder and the generic walk (DT spec v0.4 chapter 5).
#include "kernel/fdt/fdt.hpp"

namespace bramble::fdt {
namespace {

// Structure block tokens, DT spec 5.4.1.
constexpr ktl::uint32_t kTokenBeginNode = 0x1;
constexpr ktl::uint32_t kTokenEndNode = 0x2;
constexpr ktl::uint32_t kTokenProp = 0x3;
constexpr ktl::uint32_t kTokenNop = 0x4;
constexpr ktl::uint32_t kTokenEnd = 0x9;

// Header field offsets, DT spec 5.2 (struct fdt_header: ten 32-bit big-endian fields).
constexpr ktl::size_t kOffMagic = 0;
constexpr ktl::size_t kOffTotalSize = 4;
constexpr ktl::size_t kOffDtStruct = 8;
constexpr ktl::size_t kOffDtStrings = 12;
constexpr ktl::size_t kOffMemRsvmap = 16;
constexpr ktl::size_t kOffVersion = 20;
constexpr ktl::size_t kOffLastCompVersion = 24;
constexpr ktl::size_t kOffSizeDtStrings = 32;
constexpr ktl::size_t kOffSizeDtStruct = 36;
// Version 16 headers end before size_dt_struct (36 bytes); 17 (40 bytes) is what dtc and every current
// tree emit. last_comp_version > 17 means a format we cannot read (DT spec 5.2).
constexpr ktl::uint32_t kMinVersion = 16;
constexpr ktl::uint32_t kLastCompatibleVersion = 17;
constexpr ktl::uint64_t kHeaderSizeV16 = 36;

constexpr ktl::uint64_t align4(ktl::uint64_t v) { return (v + 3) & ~ktl::uint64_t{3}; }

// Length of the NUL-terminated string at p, looking at most `limit` bytes; `limit` if unterminated.
ktl::size_t bounded_strlen(const ktl::uint8_t* p, ktl::size_t limit) {
  ktl::size_t n = 0;
  while (n < limit && p[n] != 0)
    ++n;
  return n;
}

bool equals(std::span<const char> a, const char* b) {
  ktl::size_t i = 0;
  for (; i < a.size(); ++i) {
    if (b[i] == '\0' || b[i] != a[i]) return false;
  }
  return b[i] == '\0';
}

// DT spec 2.2.1: node-name@unit-address; a lookup without '@' matches the node-name part.
bool node_name_matches(std::span<const char> node, std::span<const char> wanted) {
  bool wanted_has_unit = false;
  for (char c : wanted)
    wanted_has_unit = wanted_has_unit || c == '@';
  if (node.size() < wanted.size()) return false;
  for (ktl::size_t i = 0; i < wanted.size(); ++i) {
    if (node[i] != wanted[i]) return false;
  }
  if (node.size() == wanted.size()) return true;
  return !wanted_has_unit && node[wanted.size()] == '@';
}

} // namespace

bramble::Result<ktl::size_t, FdtError> header_total_size(const void* blob) {
  const auto* p = static_cast<const ktl::uint8_t*>(blob);
  if (p == nullptr) return bramble::err(FdtError::Truncated);
  if (read_be32(p + kOffMagic) != kMagic) return bramble::err(FdtError::BadMagic);
  return ktl::size_t{read_be32(p + kOffTotalSize)};
}

bramble::Result<Fdt, FdtError> Fdt::create(const void* blob, ktl::size_t max_len) {
  const auto* p = static_cast<const ktl::uint8_t*>(blob);
  if (p == nullptr || max_len < 8) return bramble::err(FdtError::Truncated);
  if (read_be32(p + kOffMagic) != kMagic) return bramble::err(FdtError::BadMagic);
  const ktl::uint64_t total = read_be32(p + kOffTotalSize);
  if (total > max_len || total < kHeaderSizeV16) return bramble::err(FdtError::Truncated);
  const ktl::uint32_t version = read_be32(p + kOffVersion);
  const ktl::uint32_t last_comp = read_be32(p + kOffLastCompVersion);
  if (version < kMinVersion || last_comp > kLastCompatibleVersion) return bramble::err(FdtError::BadVersion);
  const ktl::uint64_t header_end = version >= 17 ? kHeaderSize : kHeaderSizeV16;
  if (total < header_end) return bramble::err(FdtError::Truncated);

  Fdt fdt;
  fdt.blob_ = p;
  fdt.total_size_ = static_cast<ktl::size_t>(total);
  fdt.struct_offset_ = read_be32(p + kOffDtStruct);
  fdt.strings_offset_ = read_be32(p + kOffDtStrings);
  fdt.rsvmap_offset_ = read_be32(p + kOffMemRsvmap);
  fdt.strings_size_ = read_be32(p + kOffSizeDtStrings);
  // v16 has no size_dt_struct: the block may extend to the end of the blob; FDT_END bounds the walk.
  // The offset is checked first so that total - offset cannot wrap (found by tests/fuzz, fdt target).
  if (fdt.struct_offset_ > total) return bramble::err(FdtError::BadLayout);
  const ktl::uint64_t struct_size =
      version >= 17 ? ktl::uint64_t{read_be32(p + kOffSizeDtStruct)} : total - ktl::uint64_t{fdt.struct_offset_};

  // DT spec 5.3 / 5.4: the reservation block is 8-byte aligned, the structure block 4-byte aligned;
  // every block starts after the header and ends inside totalsize (64-bit sums: no wrap-around).
  if (fdt.rsvmap_offset_ % 8 != 0 || fdt.rsvmap_offset_ < header_end || fdt.rsvmap_offset_ > total)
    return bramble::err(FdtError::BadLayout);
  if (fdt.struct_offset_ % 4 != 0 || fdt.struct_offset_ < header_end ||
      ktl::uint64_t{fdt.struct_offset_} + struct_size > total)
    return bramble::err(FdtError::BadLayout);
  if (fdt.strings_offset_ < header_end || ktl::uint64_t{fdt.strings_offset_} + fdt.strings_size_ > total)
    return bramble::err(FdtError::BadLayout);
  fdt.struct_size_ = static_cast<ktl::uint32_t>(struct_size);

  BRAMBLE_TRY_VOID(fdt.validate_structure());
  return fdt;
}

bramble::Result<Fdt::Token, FdtError> Fdt::token_at(ktl::uint32_t offset) const {
  if (offset % 4 != 0) return bramble::err(FdtError::BadLayout);
  if (ktl::uint64_t{offset} + 4 > struct_size_) return bramble::err(FdtError::Truncated);
  const ktl::uint8_t* base = blob_ + struct_offset_;
  const ktl::uint32_t tag = read_be32(base + offset);
  Token token{TokenKind::Nop, offset + 4, {}, {}};
  switch (tag) {
  case kTokenBeginNode: {
    // FDT_BEGIN_NODE is followed by the NUL-terminated unit name, padded to 4 bytes (DT spec 5.4.1).
    const ktl::size_t limit = struct_size_ - (offset + 4);
    const ktl::size_t len = bounded_strlen(base + offset + 4, limit);
    if (len == limit) return bramble::err(FdtError::BadString);
    const ktl::uint64_t next = align4(ktl::uint64_t{offset} + 4 + len + 1);
    if (next > struct_size_) return bramble::err(FdtError::Truncated);
    token.kind = TokenKind::BeginNode;
    token.next = static_cast<ktl::uint32_t>(next);
    token.name = {reinterpret_cast<const char*>(base + offset + 4), len};
    return token;
  }
  case kTokenProp: {
    // FDT_PROP, then struct { u32 len; u32 nameoff; } and len value bytes, padded (DT spec 5.4.1).
    if (ktl::uint64_t{offset} + 12 > struct_size_) return bramble::err(FdtError::Truncated);
    const ktl::uint32_t len = read_be32(base + offset + 4);
    const ktl::uint32_t nameoff = read_be32(base + offset + 8);
    const ktl::uint64_t value_end = ktl::uint64_t{offset} + 12 + len;
    if (value_end > struct_size_) return bramble::err(FdtError::BadProperty);
    if (nameoff >= strings_size_) return bramble::err(FdtError::BadString);
    const ktl::uint8_t* name = blob_ + strings_offset_ + nameoff;
    const ktl::size_t limit = strings_size_ - nameoff;
    const ktl::size_t name_len = bounded_strlen(name, limit);
    if (name_len == limit) return bramble::err(FdtError::BadString);
    const ktl::uint64_t next = align4(value_end);
    if (next > struct_size_) return bramble::err(FdtError::Truncated);
    token.kind = TokenKind::Prop;
    token.next = static_cast<ktl::uint32_t>(next);
    token.name = {reinterpret_cast<const char*>(name), name_len};
    token.value = {base + offset + 12, len};
    return token;
  }
  case kTokenEndNode: token.kind = TokenKind::EndNode; return token;
  case kTokenNop: return token;
  case kTokenEnd: token.kind = TokenKind::End; return token;
  default: return bramble::err(FdtError::BadToken);
  }
}

bramble::Result<void, FdtError> Fdt::validate_structure() {
  // Leading NOPs, then the root node; everything must nest and close, then FDT_END (DT spec 5.4.2).
  ktl::uint32_t offset = 0;
  Token token = BRAMBLE_TRY(token_at(offset));
  while (token.kind == TokenKind::Nop) {
    offset = token.next;
    token = BRAMBLE_TRY(token_at(offset));
  }
  if (token.kind != TokenKind::BeginNode) return bramble::err(FdtError::BadNesting);
  root_offset_ = offset;
  ktl::uint32_t depth = 0;
  bool root_closed = false;
  for (;;) {
    switch (token.kind) {
    case TokenKind::BeginNode:
      if (root_closed || ++depth > kMaxDepth) return bramble::err(FdtError::BadNesting);
      break;
    case TokenKind::EndNode:
      if (depth == 0) return bramble::err(FdtError::BadNesting);
      root_closed = --depth == 0;
      break;
    case TokenKind::Prop:
      if (depth == 0) return bramble::err(FdtError::BadNesting);
      break;
    case TokenKind::Nop: break;
    case TokenKind::End:
      if (!root_closed) return bramble::err(FdtError::BadNesting);
      return {};
    }
    token = BRAMBLE_TRY(token_at(token.next));
  }
}

bramble::Result<ktl::uint32_t, FdtError> Fdt::skip_node(Node node) const {
  Token token = BRAMBLE_TRY(token_at(node.offset));
  if (token.kind != TokenKind::BeginNode) return bramble::err(FdtError::BadNesting);
  ktl::uint32_t depth = 1;
  while (depth > 0) {
    token = BRAMBLE_TRY(token_at(token.next));
    if (token.kind == TokenKind::BeginNode && ++depth > kMaxDepth) return bramble::err(FdtError::BadNesting);
    if (token.kind == TokenKind::EndNode) --depth;
    if (token.kind == TokenKind::End) return bramble::err(FdtError::BadNesting);
  }
  return token.next;
}

bramble::Result<std::span<const char>, FdtError> Fdt::node_name(Node node) const {
  Token token = BRAMBLE_TRY(token_at(node.offset));
  if (token.kind != TokenKind::BeginNode) return bramble::err(FdtError::NotFound);
  return token.name;
}

bramble::Result<Node, FdtError> Fdt::find_child(Node parent, std::span<const char> name) const {
  bool found = false;
  Node match{0};
  FdtError failure = FdtError::NotFound;
  BRAMBLE_TRY_VOID(for_each_child(parent, [&](Node child) {
    auto child_name = node_name(child);
    if (!child_name) {
      failure = child_name.error();
      return false;
    }
    if (node_name_matches(*child_name, name)) {
      found = true;
      match = child;
      return false;
    }
    return true;
  }));
  if (!found) return bramble::err(failure);
  return match;
}

bramble::Result<Node, FdtError> Fdt::find_path(const char* path) const {
  if (path == nullptr || path[0] != '/') return bramble::err(FdtError::NotFound);
  Node node = root();
  const char* p = path;
  while (*p != '\0') {
    while (*p == '/')
      ++p;
    const char* start = p;
    while (*p != '\0' && *p != '/')
      ++p;
    if (p == start) break;
    node = BRAMBLE_TRY(find_child(node, {start, static_cast<ktl::size_t>(p - start)}));
  }
  return node;
}

bramble::Result<Property, FdtError> Fdt::property(Node node, const char* name) const {
  bool found = false;
  Property match{};
  BRAMBLE_TRY_VOID(for_each_property(node, [&](const Property& prop) {
    if (!equals(prop.name, name)) return true;
    found = true;
    match = prop;
    return false;
  }));
  if (!found) return bramble::err(FdtError::NotFound);
  return match;
}

namespace {
bramble::Result<ktl::uint32_t, FdtError> cells_property(const Fdt& fdt, Node node, const char* name,
                                                        ktl::uint32_t fallback) {
  auto prop = fdt.property(node, name);
  if (!prop) {
    if (prop.error() == FdtError::NotFound) return fallback;
    return bramble::err(prop.error());
  }
  if (prop->value.size() != 4) return bramble::err(FdtError::BadProperty);
  const ktl::uint32_t cells = read_be32(prop->value.data());
  if (cells < 1 || cells > 2) return bramble::err(FdtError::BadCells);
  return cells;
}
} // namespace

// DT spec 2.3.5: "#address-cells" defaults to 2 and "#size-cells" to 1 when absent.
bramble::Result<ktl::uint32_t, FdtError> Fdt::address_cells(Node node) const {
  return cells_property(*this, node, "#address-cells", 2);
}

bramble::Result<ktl::uint32_t, FdtError> Fdt::size_cells(Node node) const {
  return cells_property(*this, node, "#size-cells", 1);
}

bramble::Result<bool, FdtError> Fdt::is_available(Node node) const {
  auto prop = property(node, "status");
  if (!prop) {
    if (prop.error() == FdtError::NotFound) return true;
    return bramble::err(prop.error());
  }
  const auto value = prop->value;
  const ktl::size_t len = bounded_strlen(value.data(), value.size());
  const std::span<const char> text{reinterpret_cast<const char*>(value.data()), len};
  return equals(text, "okay") || equals(text, "ok");
}

} // namespace bramble::fdt
