#include <doctest/doctest.h>

#include "lib/result.hpp"

namespace {
enum class E { Bad = 1, Worse };

bramble::Result<int, E> half(int v) {
  if (v % 2) return bramble::err(E::Bad);
  return v / 2;
}
bramble::Result<int, E> quarter(int v) {
  const int h = BRAMBLE_TRY(half(v));
  return BRAMBLE_TRY(half(h));
}
bramble::Result<void, E> check_even(int v) {
  BRAMBLE_TRY_VOID(half(v));
  return {};
}
} // namespace

TEST_CASE("Result carries a value or an error, and TRY returns early") {
  CHECK(quarter(8).ok());
  CHECK(quarter(8).value() == 2);
  CHECK_FALSE(quarter(6).ok());
  CHECK(quarter(6).error() == E::Bad);
  CHECK(half(3).value_or(-1) == -1);
  CHECK(check_even(4).ok());
  CHECK(check_even(5).error() == E::Bad);
}
