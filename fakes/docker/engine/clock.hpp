#pragma once
// Time for the fake engine. Everything that stamps a time (events, StartedAt, Created) reads
// an injectable clock so tests can pin it; the default is the system clock.

#include <cstdint>
#include <functional>
#include <string>

namespace fakes::docker {

/// Nanoseconds since the Unix epoch.
using Clock = std::function<std::int64_t()>;

Clock system_clock();

/// Go's time.RFC3339Nano as the engine prints it: "2024-05-01T10:00:00.5Z" (trailing zeros
/// trimmed). 0 prints as Go's zero time "0001-01-01T00:00:00Z".
std::string format_rfc3339_nano(std::int64_t unix_nanos);

/// Parses "1700000000", "1700000000.25" or "-5" (seconds, fractional allowed) into nanoseconds.
/// Returns false for anything else.
bool parse_unix_seconds(const std::string& text, std::int64_t& out_nanos);

}  // namespace fakes::docker
