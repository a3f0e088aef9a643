// Fuzz target: capability-table operations (kernel/cap/cap_ops.hpp) across four small tables holding
// capabilities to six fake objects, driven by the input as a script of operations, with
// check_invariants (kernel/cap/invariants.hpp) after every step (abort on a violation).
//
// Input: a sequence of 8-byte steps (zeros past the end), at most kMaxSteps:
//   op       kind = op % 8: copy, mint, insert, move, delete, revoke, install, clear a table;
//            bit 6: install into the slot `dst` instead of the lowest free one;
//            bit 7: give mint/insert a rights word with a bit above 32 set (must be InvalidRights)
//   tables   source table = bits 0-1, destination table = bits 2-3
//   src, dst slot indices modulo kSlots + 2 (the null slot and one past the end included)
//   rights   the rights byte for mint and insert
//   badge    selector (low 2 bits) and two bytes b1, b2 for it: none; small; a registry badge
//            (prefix b1 << 56, b2 % 64 prefix bits: valid or not); or any 16-bit value
// Checked after each step, as tests/unit/cap/cap_random_test.cpp does for random sequences: decode
// changed nothing; a refused call returned an error its operation documents; a derived capability
// has its source's object, no more rights, its source as parent and keeps a badge; move keeps
// object, rights and count; revoke empties exactly the descendants, delete those and the capability;
// the destroy hook ran once per time an object's count dropped to zero; check_invariants holds.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "fuzz_support.hpp"
#include "kernel/cap/cap_ops.hpp"
#include "kernel/cap/invariants.hpp"

namespace {

using namespace bramble::cap;
using namespace bramble::abi;
using bramble::fuzz::Reader;

constexpr std::size_t kTables = 4;
constexpr std::size_t kSlots = 8;
constexpr std::size_t kObjects = 6;
constexpr std::size_t kMaxSteps = 600;

class CountingObject final : public KernelObject {
public:
  explicit CountingObject(CapType type) : KernelObject(type) {}
  void on_capability_deleted(const Capability&) override { ++deleted; }
  void on_last_capability_deleted() override { ++destroyed; }
  std::uint64_t deleted = 0;
  std::uint64_t destroyed = 0;
};

class World {
public:
  World() {
    for (std::size_t i = 0; i < kTables; ++i)
      table_ptrs_[i] = &tables_[i];
  }

  void step(Reader& in) {
    before_ = snapshot(); // decode must leave every slot as it is (decoded())
    const std::uint8_t op = in.u8();
    const std::uint8_t which = in.u8();
    CapTable& from = tables_[which & 3];
    CapTable& to = tables_[(which >> 2) & 3];
    const std::uint64_t src = in.u8() % (kSlots + 2);
    const std::uint64_t dst = in.u8() % (kSlots + 2);
    std::uint64_t rights = in.u8();
    if ((op & 0x80) != 0) rights |= std::uint64_t{1} << 40;
    const std::uint8_t selector = in.u8();
    const std::uint8_t b1 = in.u8();
    const std::uint8_t b2 = in.u8();
    Badge badge = kNoBadge;
    switch (selector & 3) {
    case 0: break;
    case 1: badge = (selector >> 2) + 1u; break;
    case 2: badge = registry_badge(std::uint64_t{b1} << 56, b2 % 64u); break;
    default: badge = static_cast<Badge>(b1 | (b2 << 8)); break;
    }

    std::array<std::uint32_t, kObjects> counts_before{};
    for (std::size_t i = 0; i < kObjects; ++i)
      counts_before[i] = objects_[i].cap_count();

    switch (op % 8) {
    case 0: derive(decode_copy(from, src, dst)); break;
    case 1: derive(decode_mint(from, src, dst, rights, badge)); break;
    case 2: derive(decode_insert(from, src, to, dst, rights, badge)); break;
    case 3: move(decode_move(from, src, to, dst)); break;
    case 4: remove(decode_delete(from, src)); break;
    case 5: revoke(decode_revoke(from, src)); break;
    case 6: {
      CountingObject& object = objects_[src % kObjects];
      install((op & 0x40) != 0 ? decode_install(from, dst, object) : decode_install_free(from, object));
      break;
    }
    default:
      cap_table_clear(from);
      BRAMBLE_FUZZ_CHECK(from.used() == 0);
      break;
    }

    for (std::size_t i = 0; i < kObjects; ++i) {
      if (counts_before[i] > 0 && objects_[i].cap_count() == 0) ++zero_transitions_[i];
      // The destroy hook ran exactly once per time the count dropped to zero.
      BRAMBLE_FUZZ_CHECK(objects_[i].destroyed == zero_transitions_[i]);
    }
    const InvariantReport report = check_invariants(table_ptrs_);
    if (!report.ok()) {
      std::fprintf(stderr, "check_invariants: %s\n", report.violation);
      BRAMBLE_FUZZ_CHECK(report.ok());
    }
  }

private:
  std::vector<unsigned char> snapshot() const {
    std::vector<unsigned char> bytes(sizeof storage_);
    std::memcpy(bytes.data(), storage_, sizeof storage_);
    return bytes;
  }

  // Decode changed nothing (whatever it returned), and a refusal is one of the `allowed` errors.
  template <typename Op> bool decoded(const Result<Op>& op, std::uint64_t allowed) {
    BRAMBLE_FUZZ_CHECK(snapshot() == before_);
    if (op.ok()) return true;
    BRAMBLE_FUZZ_CHECK((error_bit(op.error()) & allowed) != 0);
    return false;
  }

  void derive(const Result<DeriveOp>& op) {
    constexpr std::uint64_t kAllowed = error_bit(Error::InvalidSlot) | error_bit(Error::EmptySlot) |
                                       error_bit(Error::SlotOccupied) | error_bit(Error::InvalidRights) |
                                       error_bit(Error::InsufficientRights) | error_bit(Error::AlreadyBadged) |
                                       error_bit(Error::InvalidBadge);
    if (!decoded(op, kAllowed)) return;
    const Capability& source = *op->source;
    invoke_derive(op.value());
    const Capability& made = *op->destination;
    BRAMBLE_FUZZ_CHECK(made.object() == source.object());
    BRAMBLE_FUZZ_CHECK(rights_subset(made.rights(), source.rights())); // no escalation
    BRAMBLE_FUZZ_CHECK(made.parent() == &source);
    if (source.badge() != kNoBadge) BRAMBLE_FUZZ_CHECK(made.badge() == source.badge());
  }

  void move(const Result<MoveOp>& op) {
    if (!decoded(op, error_bit(Error::InvalidSlot) | error_bit(Error::EmptySlot) | error_bit(Error::SlotOccupied)))
      return;
    const KernelObject* object = op->source->object();
    const Rights rights = op->source->rights();
    const std::uint32_t count = object->cap_count();
    invoke_move(op.value());
    BRAMBLE_FUZZ_CHECK(op->source->empty());
    BRAMBLE_FUZZ_CHECK(op->destination->object() == object && op->destination->rights() == rights);
    BRAMBLE_FUZZ_CHECK(object->cap_count() == count);
  }

  // Every capability derived from `root`, transitively.
  static std::vector<const Capability*> descendants_of(const Capability* root) {
    std::vector<const Capability*> out;
    std::vector<const Capability*> stack{root};
    while (!stack.empty()) {
      const Capability* node = stack.back();
      stack.pop_back();
      for (const Capability* c = node->first_child(); c != nullptr; c = c->next_sibling()) {
        out.push_back(c);
        stack.push_back(c);
        BRAMBLE_FUZZ_CHECK(out.size() <= kTables * kSlots); // a cycle would never end
      }
    }
    return out;
  }

  void remove(const Result<DeleteOp>& op) {
    if (!decoded(op, error_bit(Error::InvalidSlot) | error_bit(Error::EmptySlot))) return;
    const std::vector<const Capability*> descendants = descendants_of(op->target);
    invoke_delete(op.value());
    BRAMBLE_FUZZ_CHECK(op->target->empty());
    for (const Capability* d : descendants)
      BRAMBLE_FUZZ_CHECK(d->empty()); // the whole line goes with it
  }

  void revoke(const Result<RevokeOp>& op) {
    if (!decoded(op, error_bit(Error::InvalidSlot) | error_bit(Error::EmptySlot))) return;
    const std::vector<const Capability*> descendants = descendants_of(op->target);
    const KernelObject* object = op->target->object();
    const std::uint32_t count = object->cap_count();
    const std::uint64_t deleted = invoke_revoke(op.value());
    BRAMBLE_FUZZ_CHECK(deleted == descendants.size());
    for (const Capability* d : descendants)
      BRAMBLE_FUZZ_CHECK(d->empty());
    BRAMBLE_FUZZ_CHECK(op->target->first_child() == nullptr && op->target->object() == object);
    BRAMBLE_FUZZ_CHECK(object->cap_count() == count - descendants.size());
  }

  void install(const Result<InstallOp>& op) {
    constexpr std::uint64_t kAllowed =
        error_bit(Error::TableFull) | error_bit(Error::InvalidSlot) | error_bit(Error::SlotOccupied);
    if (!decoded(op, kAllowed)) return;
    invoke_install(op.value());
    BRAMBLE_FUZZ_CHECK(op->destination->parent() == nullptr && op->destination->object() == op->object);
    BRAMBLE_FUZZ_CHECK(op->destination->rights() == valid_rights(op->object->type()));
  }

  Capability storage_[kTables][kSlots]{};
  std::array<CapTable, kTables> tables_{CapTable(storage_[0]), CapTable(storage_[1]), CapTable(storage_[2]),
                                        CapTable(storage_[3])};
  std::array<const CapTable*, kTables> table_ptrs_{};
  std::array<CountingObject, kObjects> objects_{
      CountingObject(CapType::Frame),         CountingObject(CapType::Notification),
      CountingObject(CapType::ShmemRegistry), CountingObject(CapType::Notification),
      CountingObject(CapType::Task),          CountingObject(CapType::Memory)};
  std::array<std::uint64_t, kObjects> zero_transitions_{};
  std::vector<unsigned char> before_;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Reader in(data, size);
  World world;
  for (std::size_t step = 0; step < kMaxSteps && !in.empty(); ++step) {
    world.step(in);
  }
  return 0;
}
