#pragma once
// A Consul session (agent/structs Session): who holds KV locks, bound to a node and to checks
// on it, optionally with a TTL. Invalidating it (destroy, TTL, a bound check going critical or
// away, the node going away) releases or deletes the keys it holds.

#include "fakes/consul/state/catalog_types.hpp"
#include "fakes/consul/state/clock.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace fakes::consul {

enum class SessionBehavior { release, delete_keys };

/// Consul's structs.MaxLockDelay: a longer LockDelay counts as this.
inline constexpr std::chrono::seconds kMaxLockDelay{60};
/// Consul's structs.SessionTTLMax.
inline constexpr std::chrono::hours kSessionTtlMax{24};
/// Consul's structs.SessionTTLMultiplier: a TTL session lives twice its TTL after each renewal.
inline constexpr int kSessionTtlMultiplier = 2;

struct Session {
  std::string id;
  std::string name;
  std::string node;
  std::chrono::nanoseconds lock_delay = std::chrono::seconds(15);
  SessionBehavior behavior = SessionBehavior::release;
  std::string ttl;  // as given ("" = none)
  std::chrono::nanoseconds ttl_value{0};  // parsed and range-checked by the endpoint; 0 = none
  // nullopt renders as null (a Go nil slice), as Consul answers for unset lists.
  std::optional<std::vector<std::string>> node_checks;
  std::optional<std::vector<std::string>> service_checks;  // check IDs (ServiceCheck.ID)
  std::vector<std::string> checks;  // the deprecated Checks field, rendered when not empty
  RaftIndex raft;
  /// TTL sessions: the last create or renew plus kSessionTtlMultiplier x TTL.
  std::optional<Clock::time_point> expires;

  /// Every check the session is bound to (NodeChecks, ServiceChecks and Checks).
  std::vector<std::string> bound_checks() const;
};

/// Consul's session.Behavior text.
const char* behavior_name(SessionBehavior b);

}  // namespace fakes::consul
