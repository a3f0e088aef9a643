// The timed-wait list (kernel/task/deadline_list.hpp): ascending deadlines, first come first served
// among equal ones, O(1) removal from anywhere, and nodes that leave carry no links a later insert or
// removal could follow.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "kernel/task/deadline_list.hpp"

using bramble::ktask::DeadlineLink;
using bramble::ktask::DeadlineList;

namespace {

struct Node {
  int id = 0;
  DeadlineLink<Node> link;
};
using List = DeadlineList<Node, &Node::link>;

// Pops everything due at `now`, in order.
std::vector<int> pop_all(List& list, std::uint64_t now) {
  std::vector<int> ids;
  while (Node* n = list.pop_due(now)) {
    CHECK_FALSE(n->link.linked);
    CHECK(n->link.next == nullptr);
    CHECK(n->link.prev == nullptr);
    ids.push_back(n->id);
  }
  return ids;
}

// Walks the list both ways: the links agree and the deadlines ascend.
void check_links(const List& list, std::size_t expected) {
  std::size_t count = 0;
  const Node* previous = nullptr;
  for (const Node* n = list.first(); n != nullptr; previous = n, n = n->link.next) {
    CHECK(n->link.linked);
    CHECK(n->link.prev == previous);
    if (previous != nullptr) CHECK(previous->link.deadline <= n->link.deadline);
    ++count;
  }
  CHECK(count == expected);
  CHECK(list.earliest() == (list.first() != nullptr ? list.first()->link.deadline : List::kNone));
}

} // namespace

TEST_CASE("deadline list: empty, nothing is due") {
  List list;
  CHECK(list.empty());
  CHECK(list.earliest() == List::kNone);
  CHECK(list.pop_due(~std::uint64_t{0}) == nullptr);
}

TEST_CASE("deadline list: pops in deadline order, only what is due") {
  List list;
  Node n[5];
  const std::uint64_t deadlines[] = {50, 10, 40, 20, 30};
  for (int i = 0; i < 5; ++i) {
    n[i].id = i;
    list.insert(n[i], deadlines[i]);
  }
  check_links(list, 5);
  CHECK(list.earliest() == 10);
  CHECK(pop_all(list, 9).empty());
  CHECK(pop_all(list, 25) == std::vector<int>{1, 3});
  CHECK(list.earliest() == 30);
  CHECK(pop_all(list, 30) == std::vector<int>{4}); // a deadline equal to now is due
  CHECK(pop_all(list, 1000) == std::vector<int>{2, 0});
  CHECK(list.empty());
  CHECK(list.earliest() == List::kNone);
}

TEST_CASE("deadline list: equal deadlines wake first come, first served") {
  List list;
  Node n[4];
  for (int i = 0; i < 4; ++i) {
    n[i].id = i;
    list.insert(n[i], i == 2 ? 5 : 7);
  }
  check_links(list, 4);
  CHECK(pop_all(list, 7) == std::vector<int>{2, 0, 1, 3});
}

TEST_CASE("deadline list: removal from the front, middle and back; twice is harmless") {
  List list;
  Node n[5];
  for (int i = 0; i < 5; ++i) {
    n[i].id = i;
    list.insert(n[i], static_cast<std::uint64_t>(10 * (i + 1)));
  }
  list.remove(n[2]); // middle
  check_links(list, 4);
  list.remove(n[0]); // front
  check_links(list, 3);
  CHECK(list.earliest() == 20);
  list.remove(n[4]); // back
  check_links(list, 2);
  list.remove(n[4]); // not linked any more: nothing happens
  list.remove(n[0]);
  check_links(list, 2);
  for (int i : {0, 2, 4}) {
    CHECK_FALSE(n[i].link.linked);
    CHECK(n[i].link.next == nullptr);
    CHECK(n[i].link.prev == nullptr);
  }
  // A removed node goes back in at its new place, and new nodes go after it.
  list.insert(n[4], 5);
  list.insert(n[0], 25);
  check_links(list, 4);
  CHECK(pop_all(list, 100) == std::vector<int>{4, 1, 0, 3});
}

TEST_CASE("deadline list: a node that never went in can be removed (a wait that was never timed)") {
  List list;
  Node a{1, {}};
  Node b{2, {}};
  list.insert(a, 3);
  list.remove(b);
  check_links(list, 1);
  CHECK(list.first() == &a);
}

TEST_CASE("deadline list: random inserts and removals against a model") {
  std::mt19937_64 rng(7);
  constexpr std::size_t kNodes = 64;
  List list;
  std::vector<Node> nodes(kNodes);
  std::vector<std::uint64_t> order(kNodes); // insertion stamp, for ties
  std::uint64_t stamp = 0;
  auto stamp_of = [&](const Node& n) { return order[static_cast<std::size_t>(n.id)]; };
  for (std::size_t i = 0; i < kNodes; ++i)
    nodes[i].id = static_cast<int>(i);
  for (int round = 0; round < 4000; ++round) {
    Node& n = nodes[rng() % kNodes];
    if (n.link.linked && rng() % 2 == 0) {
      list.remove(n);
    } else if (!n.link.linked) {
      list.insert(n, rng() % 32); // few distinct values: many ties
      order[static_cast<std::size_t>(n.id)] = stamp++;
    }
    if (round % 97 == 0) {
      // Pop what is due at a random time: ascending deadline, then insertion order.
      const std::uint64_t now = rng() % 32;
      const Node* previous = nullptr;
      while (Node* due = list.pop_due(now)) {
        CHECK(due->link.deadline <= now);
        if (previous != nullptr) {
          CHECK(previous->link.deadline <= due->link.deadline);
          if (previous->link.deadline == due->link.deadline) CHECK(stamp_of(*previous) < stamp_of(*due));
        }
        previous = due;
      }
      CHECK(list.earliest() > now);
    }
    std::size_t linked = 0;
    for (const Node& m : nodes)
      linked += m.link.linked ? 1 : 0;
    check_links(list, linked);
  }
}
