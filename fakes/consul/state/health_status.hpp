#pragma once
// Consul's check states, ordered so that "worse" compares greater.

#include <optional>
#include <string_view>

namespace fakes::consul {

enum class HealthStatus { passing = 0, warning = 1, critical = 2 };

constexpr std::string_view to_string(HealthStatus s) {
  switch (s) {
    case HealthStatus::passing: return "passing";
    case HealthStatus::warning: return "warning";
    case HealthStatus::critical: return "critical";
  }
  return "critical";
}

/// Exact, lower-case names only, as Consul's structs.ValidStatus.
constexpr std::optional<HealthStatus> parse_health_status(std::string_view s) {
  if (s == "passing") return HealthStatus::passing;
  if (s == "warning") return HealthStatus::warning;
  if (s == "critical") return HealthStatus::critical;
  return std::nullopt;
}

}  // namespace fakes::consul
