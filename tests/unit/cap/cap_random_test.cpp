// Property test: random sequences of capability operations on several tables, checked after every
// step against the invariants (check_invariants) and against what each operation promises.
#include <doctest/doctest.h>

#include <cstring>
#include <deque>
#include <random>
#include <vector>

#include "fake_objects.hpp"
#include "kernel/cap/cap_ops.hpp"
#include "kernel/cap/invariants.hpp"

using namespace bramble::cap;
using namespace bramble::cap::test;
using namespace bramble::abi;

namespace {

constexpr std::size_t kTables = 4;
constexpr std::size_t kSlots = 12;
constexpr std::size_t kObjects = 6;

class World {
public:
  explicit World(std::uint64_t seed) : rng_(seed) {
    const CapType types[kObjects] = {CapType::Frame,        CapType::Notification, CapType::ShmemRegistry,
                                     CapType::Notification, CapType::Task,         CapType::Memory};
    for (std::size_t i = 0; i < kObjects; ++i)
      objects_.emplace_back(types[i]);
    for (std::size_t i = 0; i < kTables; ++i) {
      tables_.emplace_back(storage_[i]);
      table_ptrs_[i] = &tables_[i];
    }
    for (std::size_t i = 0; i < kObjects; ++i)
      install(i);
  }

  void step() {
    const std::uint64_t kind = pick(8);
    CapTable& from = tables_[pick(kTables)];
    CapTable& to = (pick(3) == 0) ? tables_[pick(kTables)] : from;
    const std::uint64_t src = slot();
    const std::uint64_t dst = slot();
    switch (kind) {
    case 0: derive(from, src, to, dst, /*copy=*/true, /*insert=*/false); break;
    case 1: derive(from, src, to, dst, false, false); break;
    case 2: derive(from, src, to, dst, false, true); break;
    case 3: move(from, src, to, dst); break;
    case 4: remove(from, src); break;
    case 5: revoke(from, src); break;
    case 6: outliving(from, src, to); break;
    default: install(pick(kObjects)); break;
    }
    const InvariantReport report = check_invariants(table_ptrs_);
    INFO("violation: " << (report.violation ? report.violation : ""));
    REQUIRE(report.ok());
    for (const FakeObject& object : objects_) {
      // The destroy hook ran exactly once per time the count dropped to zero.
      CHECK(object.log.destroyed == zero_transitions_[index_of(&object)]);
    }
  }

  std::uint64_t successes = 0;
  std::uint64_t failures = 0;

private:
  std::uint64_t pick(std::uint64_t n) { return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng_); }
  // Mostly valid slots, sometimes the null slot or one past the end.
  std::uint64_t slot() { return pick(kSlots + 2); }
  std::size_t index_of(const KernelObject* object) const {
    for (std::size_t i = 0; i < objects_.size(); ++i) {
      if (&objects_[i] == object) return i;
    }
    FAIL("unknown object");
    return 0;
  }

  std::vector<unsigned char> snapshot() const {
    std::vector<unsigned char> bytes(sizeof storage_);
    std::memcpy(bytes.data(), storage_, sizeof storage_);
    return bytes;
  }

  // Decode must never change anything, whatever it returns; its errors must be the expected ones.
  template <typename Op>
  bool decoded(const Result<Op>& op, const std::vector<unsigned char>& before, std::uint64_t allowed_errors) {
    CHECK(snapshot() == before);
    if (op.ok()) {
      ++successes;
      return true;
    }
    ++failures;
    CHECK((error_bit(op.error()) & allowed_errors) != 0);
    return false;
  }

  void track_counts_then(const KernelObject* object, auto&& change) {
    const std::uint32_t before = object->cap_count();
    change();
    if (before > 0 && object->cap_count() == 0) ++zero_transitions_[index_of(object)];
  }

  Rights random_rights(CapType type) {
    // Usually a subset of the type's rights; sometimes anything, to hit InvalidRights.
    const Rights any = static_cast<Rights>(pick(kAllRightBits + 1));
    return pick(8) == 0 ? any : (any & valid_rights(type));
  }

  Badge random_badge(CapType type) {
    switch (pick(4)) {
    case 0: return kNoBadge;
    case 1: return pick(1000) + 1;
    default: return type == CapType::ShmemRegistry ? registry_badge(pick(256) << 56, 8) : pick(1u << 20) + 1;
    }
  }

  void derive(CapTable& from, std::uint64_t src, CapTable& to, std::uint64_t dst, bool copy, bool insert) {
    const auto before = snapshot();
    const CapType type = (src < kSlots && src > 0) ? from.at(src).type() : CapType::Null;
    const Rights rights = random_rights(type);
    const Badge badge = random_badge(type);
    Result<DeriveOp> op = copy     ? decode_copy(from, src, dst)
                          : insert ? decode_insert(from, src, to, dst, rights, badge)
                                   : decode_mint(from, src, dst, rights, badge);
    constexpr std::uint64_t kAllowed = error_bit(Error::InvalidSlot) | error_bit(Error::EmptySlot) |
                                       error_bit(Error::SlotOccupied) | error_bit(Error::InvalidRights) |
                                       error_bit(Error::InsufficientRights) | error_bit(Error::AlreadyBadged) |
                                       error_bit(Error::InvalidBadge);
    if (!decoded(op, before, kAllowed)) return;
    const Capability& source = *op->source;
    invoke_derive(op.value());
    const Capability& made = *op->destination;
    CHECK(made.object() == source.object());
    CHECK(rights_subset(made.rights(), source.rights())); // no escalation
    CHECK(made.parent() == &source);
    if (source.badge() != kNoBadge) CHECK(made.badge() == source.badge());
  }

  void move(CapTable& from, std::uint64_t src, CapTable& to, std::uint64_t dst) {
    const auto before = snapshot();
    Result<MoveOp> op = decode_move(from, src, to, dst);
    if (!decoded(op, before,
                 error_bit(Error::InvalidSlot) | error_bit(Error::EmptySlot) | error_bit(Error::SlotOccupied))) {
      return;
    }
    const KernelObject* object = op->source->object();
    const Rights rights = op->source->rights();
    const std::uint32_t count = object->cap_count();
    invoke_move(op.value());
    CHECK(op->source->empty());
    CHECK(op->destination->object() == object);
    CHECK(op->destination->rights() == rights);
    CHECK(object->cap_count() == count);
  }

  void remove(CapTable& table, std::uint64_t slot_index) {
    const auto before = snapshot();
    Result<DeleteOp> op = decode_delete(table, slot_index);
    if (!decoded(op, before, error_bit(Error::InvalidSlot) | error_bit(Error::EmptySlot))) return;
    const KernelObject* object = op->target->object();
    std::vector<const Capability*> descendants;
    std::vector<const Capability*> stack{op->target};
    while (!stack.empty()) {
      const Capability* node = stack.back();
      stack.pop_back();
      for (const Capability* c = node->first_child(); c != nullptr; c = c->next_sibling()) {
        descendants.push_back(c);
        stack.push_back(c);
      }
    }
    track_counts_then(object, [&] { invoke_delete(op.value()); });
    CHECK(op->target->empty());
    for (const Capability* d : descendants)
      CHECK(d->empty()); // the whole line went with it
  }

  void revoke(CapTable& table, std::uint64_t slot_index) {
    const auto before = snapshot();
    Result<RevokeOp> op = decode_revoke(table, slot_index);
    if (!decoded(op, before, error_bit(Error::InvalidSlot) | error_bit(Error::EmptySlot))) return;
    std::vector<const Capability*> descendants;
    std::vector<const Capability*> stack{op->target};
    while (!stack.empty()) {
      const Capability* node = stack.back();
      stack.pop_back();
      for (const Capability* c = node->first_child(); c != nullptr; c = c->next_sibling()) {
        descendants.push_back(c);
        stack.push_back(c);
      }
    }
    const KernelObject* object = op->target->object();
    const std::uint32_t count = object->cap_count();
    std::uint64_t deleted = 0;
    track_counts_then(object, [&] { deleted = invoke_revoke(op.value()); });
    CHECK(deleted == descendants.size());
    for (const Capability* d : descendants)
      CHECK(d->empty());
    CHECK(op->target->first_child() == nullptr);
    CHECK(op->target->object() == object);
    CHECK(object->cap_count() == count - descendants.size());
  }

  // The registry's copy of what `owner` publishes, kept in `holder` (decode_copy_outliving): below
  // the nearest ancestor outside the owner's table, else below the source.
  void outliving(CapTable& owner, std::uint64_t src, CapTable& holder) {
    if (&owner == &holder) return;
    Result<Capability*> source = owner.occupied(src);
    Result<Capability*> destination = holder.find_free();
    if (!source.ok() || !destination.ok()) return;
    const Capability* expected = *source;
    for (const Capability* a = (*source)->parent(); a != nullptr; a = a->parent()) {
      if (!owner.contains(a)) {
        expected = a;
        break;
      }
    }
    const CapTable* owned[] = {&owner};
    const auto before = snapshot();
    const InstallOp op = decode_copy_outliving(**source, **destination, owned);
    CHECK(snapshot() == before);
    CHECK(op.parent == expected);
    invoke_install(op);
    ++successes;
    CHECK(op.destination->object() == (*source)->object());
    CHECK(op.destination->rights() == (*source)->rights());
    CHECK(op.destination->badge() == (*source)->badge());
    CHECK(op.destination->parent() == expected);
  }

  void install(std::size_t object_index) {
    CapTable& table = tables_[pick(kTables)];
    const auto before = snapshot();
    Result<InstallOp> op = decode_install_free(table, objects_[object_index]);
    if (!decoded(op, before, error_bit(Error::TableFull))) return;
    invoke_install(op.value());
    CHECK(op->destination->parent() == nullptr);
  }

  std::mt19937_64 rng_;
  Capability storage_[kTables][kSlots]{};
  std::deque<CapTable> tables_; // deque: tables and objects never move once made
  const CapTable* table_ptrs_[kTables]{};
  std::deque<FakeObject> objects_;
  std::uint64_t zero_transitions_[kObjects]{};
};

} // namespace

TEST_CASE("random operation sequences keep every invariant") {
  std::uint64_t successes = 0;
  std::uint64_t failures = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    CAPTURE(seed);
    World world(seed);
    for (int i = 0; i < 1500; ++i)
      world.step();
    successes += world.successes;
    failures += world.failures;
  }
  // Both paths must be exercised, or the test proves little.
  CHECK(successes > 10000);
  CHECK(failures > 10000);
  MESSAGE("operations succeeded: " << successes << ", refused: " << failures);
}
