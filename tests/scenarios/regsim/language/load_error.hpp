#pragma once
// What loading a scenario text says is wrong, for the parser's error tests.

#include "scenarios/regsim/language/scenario_loader.hpp"

#include <string>

namespace regsim::test {

/// The LoadError's message, or "(no error)" when the text loads.
inline std::string load_error(const std::string& text) {
  try {
    load_scenario_text(text, "test.json");
  } catch (const LoadError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace regsim::test
