#pragma once
// /_fake/...: the control API over HTTP, for launchers that drive the fake from outside
// (regsim, shell). Kept apart from the Consul API: never logged, never faulted.
//
//   GET    /_fake/state                         agent services, checks, index
//   GET    /_fake/requests   DELETE /_fake/requests      request log
//   POST   /_fake/faults {"method","path","status","body","action":"respond|drop|hang","count"}
//   DELETE /_fake/faults
//   POST   /_fake/lose-state                    deregister everything (agent lost its state)
//   PUT    /_fake/check/<check-id>?status=passing|warning|critical&output=...
//   POST   /_fake/close-connections             cut every HTTP connection
//   POST   /_fake/expire-ttl                    expire TTL checks now
//   POST   /_fake/anti-entropy                  run every agent's anti-entropy sync now

#include "fakes/consul/fake_consul.hpp"

#include "fakes/common/http/server.hpp"
#include "fakes/common/url.hpp"

namespace fakes::consul {

void handle_control(FakeConsul& fake, const fakes::http::ExchangePtr& exchange, const fakes::http::Target& target);

}  // namespace fakes::consul
