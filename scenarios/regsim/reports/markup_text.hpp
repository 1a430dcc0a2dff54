#pragma once
// Text for XML and HTML documents: escaping, and dropping what XML 1.0 cannot carry at all
// (control characters other than tab and newlines, which a registrator log line may contain).

#include "scenarios/regsim/language/duration.hpp"

#include <string>

namespace regsim {

/// Escapes & < > " ' and replaces characters XML 1.0 forbids with U+FFFD.
std::string escape_markup(const std::string& text);

/// Seconds with millisecond precision, as JUnit's time attributes want: "1.250".
std::string seconds_text(Duration d);

}  // namespace regsim
