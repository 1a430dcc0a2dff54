#pragma once

#include <string>

namespace regsim {

/// The outcome of one evaluation of a condition. `detail` says what was seen: on success a
/// short confirmation ("2 entries as expected"), on failure exactly what differed.
struct CheckResult {
  bool held = false;
  std::string detail;
};

}  // namespace regsim
