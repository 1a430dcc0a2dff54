#pragma once
// Compares a service's catalog entries with the running containers of a churn group: every
// running container must have exactly one entry (else it is "lost" or "duplicated") and no entry
// may name a container that is not running ("stale"). The counts are what a user of a churning
// cluster wants to know, so the message leads with them.

#include "scenarios/regsim/checks/check_result.hpp"

#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <vector>

namespace regsim {

struct RegistrationDiff {
  std::size_t running = 0;
  std::size_t registered = 0;           // distinct IDs under the prefix
  std::vector<std::string> lost;        // running, not registered
  std::vector<std::string> stale;       // registered, not running
  std::vector<std::string> duplicated;  // registered more than once
  bool clean() const { return lost.empty() && stale.empty() && duplicated.empty(); }
};

/// `expected_ids`: "HOST:GROUP-NNNN:PORT" of each running container. Only catalog entries whose
/// ServiceID starts with `id_prefix` ("HOST:GROUP-"; "" for all) are looked at. A catalog
/// answer that is not a list leaves every expected ID lost.
RegistrationDiff diff_registrations(const std::set<std::string>& expected_ids, const std::string& id_prefix,
                                    const nlohmann::json& catalog);

/// The same as a check result whose message leads with the counts.
CheckResult compare_running_group(const std::set<std::string>& expected_ids, const std::string& id_prefix,
                                  const nlohmann::json& catalog);

}  // namespace regsim
