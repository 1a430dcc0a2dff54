#pragma once
// Durations in scenarios are written as text ("5s", "500ms", "1.5s", "2m") so a reader never has
// to guess the unit of a bare number.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace regsim {

using Duration = std::chrono::milliseconds;

/// "500ms", "5s", "1.5s", "2m" -> milliseconds; nullopt for anything else (no unit, negative,
/// unknown unit, more than a day).
std::optional<Duration> parse_duration(std::string_view text);

/// 5000ms -> "5s", 1500ms -> "1.5s", 250ms -> "250ms": the shortest form parse_duration accepts.
std::string format_duration(Duration d);

}  // namespace regsim
