// A small, bounds-checked reader for flattened device trees (the DTB the boot loader hands the kernel).
//
// Format: Devicetree Specification v0.4, chapter 5 ("Flattened Devicetree (DTB) Format"). Everything in
// the blob is big-endian and read one byte at a time, so an unaligned or hostile blob can never cause an
// alignment fault (before the MMU is on, RAM is Device memory and unaligned loads fault, docs/platform.md).
//
// Trust model: Fdt::create() validates the header AND walks the whole structure block once (every
// token, every name and property inside its block, nesting balanced, FDT_END at the end), so a blob that
// survives create() is well formed. The queries still check every bound they rely on and return
// FdtError instead of trusting the earlier walk: a bug in one place must not become an out-of-bounds read.
//
// Freestanding: no heap, no exceptions; callers pass output spans.
#pragma once

#include "lib/ktl.hpp"
#include "lib/result.hpp"

namespace bramble::fdt {

enum class FdtError : ktl::uint8_t {
  Truncated,   // the blob (or max_len) is shorter than its header says
  BadMagic,    // not 0xd00dfeed
  BadVersion,  // version < 16 or last_comp_version > 17
  BadLayout,   // a block offset/size lies outside the blob or is misaligned
  BadToken,    // an unknown structure token
  BadNesting,  // FDT_END inside a node, a node that never closes, too deep, or content after the root
  BadString,   // a node or property name without its terminating NUL inside its block
  BadProperty, // a property's value overruns the structure block, or has the wrong length for its use
  BadCells,    // #address-cells / #size-cells outside what we support (1..2)
  NotFound,    // the node or property asked for does not exist
  NoSpace,     // the caller's output span is too small
};

// A physical range [base, base + size) as the DTB describes it.
struct Range {
  ktl::uint64_t base;
  ktl::uint64_t size;
  friend constexpr bool operator==(const Range&, const Range&) = default;
};

// A node is identified by the offset of its FDT_BEGIN_NODE token inside the structure block.
struct Node {
  ktl::uint32_t offset;
};

struct Property {
  std::span<const char> name;          // without the NUL
  std::span<const ktl::uint8_t> value; // raw big-endian bytes
};

// The deepest nesting we accept; real trees are < 10 deep (Linux's dtc limit is similar in spirit).
inline constexpr ktl::uint32_t kMaxDepth = 64;
inline constexpr ktl::uint32_t kMagic = 0xd00d'feedU; // DT spec 5.2
inline constexpr ktl::uint32_t kHeaderSize = 40;      // DT spec 5.2, version 17 header

// Reads magic and totalsize only, so the kernel can learn how many bytes to treat as the DTB (and to
// reserve) before it validates anything else. The caller guarantees 8 readable bytes at blob.
[[nodiscard]] bramble::Result<ktl::size_t, FdtError> header_total_size(const void* blob);

// Big-endian 32-bit cell i of a property value (i counted in cells). Caller checks the length.
[[nodiscard]] constexpr ktl::uint32_t read_be32(const ktl::uint8_t* p) {
  return (ktl::uint32_t{p[0]} << 24) | (ktl::uint32_t{p[1]} << 16) | (ktl::uint32_t{p[2]} << 8) | ktl::uint32_t{p[3]};
}

class Fdt {
public:
  // Validates the header and the structure block of the blob at `blob`, of which at most `max_len`
  // bytes may be read. Nothing outside [blob, blob + min(totalsize, max_len)) is ever read.
  [[nodiscard]] static bramble::Result<Fdt, FdtError> create(const void* blob, ktl::size_t max_len);

  [[nodiscard]] ktl::size_t total_size() const { return total_size_; }
  [[nodiscard]] Node root() const { return Node{root_offset_}; }

  // --- Generic walk -------------------------------------------------------------------------------
  [[nodiscard]] bramble::Result<std::span<const char>, FdtError> node_name(Node node) const;
  // A child whose name equals `name`, or whose name before '@' equals it when `name` has no '@'
  // (so "memory" finds "memory@0", as in DT spec 2.2.1 / libfdt's path lookup).
  [[nodiscard]] bramble::Result<Node, FdtError> find_child(Node parent, std::span<const char> name) const;
  // An absolute path such as "/chosen" or "/soc/serial@7e201000". Aliases are not resolved.
  [[nodiscard]] bramble::Result<Node, FdtError> find_path(const char* path) const;
  [[nodiscard]] bramble::Result<Property, FdtError> property(Node node, const char* name) const;
  // Calls fn(Node) for each direct child, in order, until fn returns false.
  template <typename Fn> [[nodiscard]] bramble::Result<void, FdtError> for_each_child(Node parent, Fn&& fn) const;
  // Calls fn(const Property&) for each property of the node, in order, until fn returns false.
  template <typename Fn> [[nodiscard]] bramble::Result<void, FdtError> for_each_property(Node node, Fn&& fn) const;

  // #address-cells / #size-cells that a node gives its children (DT spec 2.3.5: default 2 and 1).
  // Only 1 and 2 are supported (64-bit physical addresses); anything else is BadCells.
  [[nodiscard]] bramble::Result<ktl::uint32_t, FdtError> address_cells(Node node) const;
  [[nodiscard]] bramble::Result<ktl::uint32_t, FdtError> size_cells(Node node) const;
  // status absent, "okay" or "ok" (DT spec 2.3.4).
  [[nodiscard]] bramble::Result<bool, FdtError> is_available(Node node) const;

  // --- What the kernel needs ----------------------------------------------------------------------
  // RAM: the reg entries of every available child of / with device_type = "memory" (DT spec 3.4),
  // skipping zero-sized entries (the Pi DTBs ship reg = <0 0 0> for the firmware to fill in).
  // Returns the number of ranges written; NoSpace if `out` cannot hold them all.
  [[nodiscard]] bramble::Result<ktl::size_t, FdtError> memory_ranges(std::span<Range> out) const;
  // Memory nobody may allocate: the /memreserve/ block (DT spec 5.3) followed by the reg entries of
  // the available children of /reserved-memory (DT spec 3.5; children with only `size` are dynamic
  // reservations for an OS allocator and have no fixed address: skipped).
  [[nodiscard]] bramble::Result<ktl::size_t, FdtError> reserved_ranges(std::span<Range> out) const;
  // /chosen/bootargs without its NUL (DT spec 3.6); NotFound when absent.
  [[nodiscard]] bramble::Result<std::span<const char>, FdtError> bootargs() const;

  // One token of the structure block (DT spec 5.4.1), as the walkers see it.
  enum class TokenKind : ktl::uint8_t { BeginNode, EndNode, Prop, Nop, End };
  struct Token {
    TokenKind kind;
    ktl::uint32_t next;                  // offset of the following token
    std::span<const char> name;          // node name (BeginNode) or property name (Prop)
    std::span<const ktl::uint8_t> value; // property value (Prop)
  };
  // Decodes the token at struct-block offset `offset`, checking every bound.
  [[nodiscard]] bramble::Result<Token, FdtError> token_at(ktl::uint32_t offset) const;
  // Offset just past the FDT_END_NODE that closes the node at `node`.
  [[nodiscard]] bramble::Result<ktl::uint32_t, FdtError> skip_node(Node node) const;

private:
  Fdt() = default;
  [[nodiscard]] bramble::Result<void, FdtError> validate_structure();
  [[nodiscard]] bramble::Result<ktl::size_t, FdtError> append_reg(Node node, ktl::uint32_t address_cells,
                                                                  ktl::uint32_t size_cells, std::span<Range> out,
                                                                  ktl::size_t count) const;

  const ktl::uint8_t* blob_ = nullptr;
  ktl::size_t total_size_ = 0;
  ktl::uint32_t struct_offset_ = 0;
  ktl::uint32_t struct_size_ = 0;
  ktl::uint32_t strings_offset_ = 0;
  ktl::uint32_t strings_size_ = 0;
  ktl::uint32_t rsvmap_offset_ = 0;
  ktl::uint32_t root_offset_ = 0;
};

template <typename Fn> bramble::Result<void, FdtError> Fdt::for_each_child(Node parent, Fn&& fn) const {
  Token head = BRAMBLE_TRY(token_at(parent.offset));
  if (head.kind != TokenKind::BeginNode) return bramble::err(FdtError::BadNesting);
  ktl::uint32_t offset = head.next;
  for (;;) {
    Token token = BRAMBLE_TRY(token_at(offset));
    switch (token.kind) {
    case TokenKind::Prop:
    case TokenKind::Nop: offset = token.next; break;
    case TokenKind::BeginNode: {
      if (!fn(Node{offset})) return {};
      offset = BRAMBLE_TRY(skip_node(Node{offset}));
      break;
    }
    case TokenKind::EndNode: return {};
    case TokenKind::End: return bramble::err(FdtError::BadNesting);
    }
  }
}

template <typename Fn> bramble::Result<void, FdtError> Fdt::for_each_property(Node node, Fn&& fn) const {
  Token head = BRAMBLE_TRY(token_at(node.offset));
  if (head.kind != TokenKind::BeginNode) return bramble::err(FdtError::BadNesting);
  ktl::uint32_t offset = head.next;
  for (;;) {
    Token token = BRAMBLE_TRY(token_at(offset));
    if (token.kind == TokenKind::Prop) {
      if (!fn(Property{token.name, token.value})) return {};
    } else if (token.kind != TokenKind::Nop) {
      // DT spec 5.4.2: properties precede subnodes, so the first child or END_NODE ends the list.
      if (token.kind == TokenKind::End) return bramble::err(FdtError::BadNesting);
      return {};
    }
    offset = token.next;
  }
}

} // namespace bramble::fdt
