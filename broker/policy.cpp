#include "broker/policy.hpp"

namespace bramble::broker {

const char* policy_error_name(PolicyError e) {
  switch (e) {
  case PolicyError::UnknownComponent: return "unknown component";
  case PolicyError::PairNotAllowed: return "pair not allowed";
  case PolicyError::WrongMode: return "setup mode not allowed";
  case PolicyError::ShapeNotAllowed: return "ring shape not allowed";
  case PolicyError::TooLarge: return "larger than allowed";
  }
  return "?";
}

bool same_name(const char* a, const char* b) {
  if (a == nullptr || b == nullptr) return a == b;
  while (*a != '\0' && *a == *b) {
    ++a;
    ++b;
  }
  return *a == *b;
}

std::size_t Policy::find_component(const char* name) const {
  for (std::size_t i = 0; i < components_.size(); ++i) {
    if (same_name(components_[i].name, name)) return i;
  }
  return components_.size();
}

Result<std::size_t, PolicyError> Policy::check(std::size_t producer, std::size_t consumer, SetupMode mode,
                                               const ipc::RingSpec& spec) const {
  if (producer >= components_.size() || consumer >= components_.size() || producer == consumer)
    return err(PolicyError::UnknownComponent);
  // Report the most specific reason: a rule for the pair that differs only in mode, shape or size.
  PolicyError best = PolicyError::PairNotAllowed;
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const ChannelRule& r = rules_[i];
    if (!same_name(r.producer, components_[producer].name) || !same_name(r.consumer, components_[consumer].name))
      continue;
    if (r.mode != mode) {
      best = PolicyError::WrongMode;
      continue;
    }
    if (r.spec.kind != spec.kind || r.spec.element_size != spec.element_size || r.spec.capacity != spec.capacity ||
        r.spec.index_width != spec.index_width) {
      best = PolicyError::ShapeNotAllowed;
      continue;
    }
    if (!ipc::check_spec(spec).ok() || ipc::ring_geometry(spec).total_size > r.max_bytes) {
      best = PolicyError::TooLarge;
      continue;
    }
    return i;
  }
  return err(best);
}

} // namespace bramble::broker
