#pragma once
// The body of PUT /v1/session/create as Consul reads it (agent/session_endpoint.go and
// structs.Session.UnmarshalJSON): encoding/json with case-insensitive field names, LockDelay
// as a Go duration string or nanoseconds where values under 1000 mean seconds, and the
// pre-1.7 `Checks` field folded together with `NodeChecks` (fixupEmptySessionChecks).

#include "fakes/consul/requests/go_json_decoding.hpp"
#include "fakes/consul/state/session.hpp"

#include <string>
#include <string_view>

namespace fakes::consul {

struct SessionCreateRequest {
  Session session;       // node, name, checks, lock delay, TTL as sent (or Consul's defaults)
  std::string behavior;  // as sent; Session.Apply validates it ("" = release)
};

/// Decodes the body (empty = every default, with `agent_node` as the node). Throws
/// DecodeError with Go's wording (the 400 "Request decode failed: ..." text).
SessionCreateRequest decode_session_create(std::string_view body, const std::string& agent_node);

}  // namespace fakes::consul
