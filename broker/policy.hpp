// Policy: the manifest's answer to "may these two have this channel?". Anything the manifest does not
// say is refused (the broker logs the refusal in the audit trail).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "broker/manifest.hpp"
#include "lib/result.hpp"

namespace bramble::broker {

enum class PolicyError : std::uint8_t {
  UnknownComponent, // an index outside the manifest
  PairNotAllowed,   // no rule for this producer -> consumer pair
  WrongMode,        // a rule exists, for the other setup mode
  ShapeNotAllowed,  // a rule exists, for another ring shape
  TooLarge,         // the ring is larger than the rule's max_bytes
};

[[nodiscard]] const char* policy_error_name(PolicyError e);

class Policy {
public:
  constexpr Policy(std::span<const ComponentSpec> components, std::span<const ChannelRule> rules)
      : components_(components), rules_(rules) {}

  [[nodiscard]] std::span<const ComponentSpec> components() const { return components_; }
  [[nodiscard]] std::span<const ChannelRule> rules() const { return rules_; }

  // The index of the component called `name`, or components().size().
  [[nodiscard]] std::size_t find_component(const char* name) const;

  // The rule allowing a channel of `spec` from `producer` to `consumer` set up in `mode`.
  [[nodiscard]] Result<std::size_t, PolicyError> check(std::size_t producer, std::size_t consumer, SetupMode mode,
                                                       const ipc::RingSpec& spec) const;

private:
  std::span<const ComponentSpec> components_;
  std::span<const ChannelRule> rules_;
};

[[nodiscard]] bool same_name(const char* a, const char* b);

} // namespace bramble::broker
