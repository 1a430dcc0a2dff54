#pragma once
// Go's time.ParseDuration format ("10s", "1m30s", "250ms", "1.5h"), which Consul uses for
// ?wait= and check TTL/Interval/Timeout fields.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace fakes::consul {

/// nullopt when the text is not a Go duration. Negative durations are allowed, as in Go.
std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view text);
/// Go's time.ParseDuration error text for a text parse_go_duration refused:
/// `time: missing unit in duration "10"`, `time: unknown unit "x" in duration "10x"`,
/// else `time: invalid duration "..."`.
std::string go_duration_error(std::string_view text);
/// Formats like Go's Duration.String() for whole units: "10s", "1m30s", "250ms", "0s".
std::string format_go_duration(std::chrono::nanoseconds d);

}  // namespace fakes::consul
