#pragma once
// The engine's reading of a time filter value (moby daemon/internal/timestamp.Parse), as prune's
// `until` takes it: a Go duration before now ("10m", "1h30m", "-5s"), an RFC 3339 date or time
// ("2026-01-02T15:04:05Z", "2026-01-02T15:04:05.5+01:00", "2026-01-02T15:04", "2026-01-02"; without
// a zone in the daemon's local zone), or Unix seconds with an optional fraction ("1700000000.5").

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace fakes::docker {

/// Go's time.ParseDuration (units ns, us, µs, ms, s, m, h; a sign; decimals); nullopt otherwise.
std::optional<std::int64_t> parse_go_duration_nanos(const std::string& text);

class TimeValueError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Nanoseconds since the epoch. Throws TimeValueError with the engine's words
/// (`failed to parse value as time or duration: invalid seconds "abc": invalid syntax`, and for a
/// date-like value Go's `parsing time "..."` error).
std::int64_t parse_time_value(const std::string& value, std::int64_t now_nanos);

}  // namespace fakes::docker
