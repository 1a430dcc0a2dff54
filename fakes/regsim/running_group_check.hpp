#pragma once
// Compares a service's catalog entries with the running containers of a churn group: every
// running container must have exactly one entry (else it is "lost" or "duplicated") and no entry
// may name a container that is not running ("stale"). The counts are what a user of a churning
// cluster wants to know, so the message leads with them.

#include "regsim/check_result.hpp"

#include <nlohmann/json.hpp>

#include <set>
#include <string>

namespace regsim {

/// `expected_ids`: "HOST:GROUP-NNNN:PORT" of each running container. Only catalog entries whose
/// ServiceID starts with `id_prefix` ("HOST:GROUP-") are looked at.
CheckResult compare_running_group(const std::set<std::string>& expected_ids, const std::string& id_prefix,
                                  const nlohmann::json& catalog);

}  // namespace regsim
