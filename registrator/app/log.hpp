#pragma once
// Tiny logger with Go `log` package formatting: "2006/01/02 15:04:05 message" on stderr.
#include <functional>
#include <string>
#include <string_view>

namespace registrator::log {

using Sink = std::function<void(std::string_view line)>;

/// Writes one timestamped line (a trailing newline is added).
void line(std::string_view message);

/// Replaces the output (tests capture lines); an empty sink restores stderr.
/// The sink receives the message without timestamp.
void set_sink(Sink sink);

/// First 12 characters of a container id, like upstream's `id[:12]` (shorter ids are kept whole).
std::string id12(std::string_view id);

}  // namespace registrator::log
