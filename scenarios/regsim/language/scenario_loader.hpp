#pragma once
// Reads a scenario file: JSON syntax errors and schema errors both come back as one message
// "FILE:LINE: PATH: what was wrong", so the user can jump straight to the spot.

#include "scenarios/regsim/language/scenario.hpp"

#include <filesystem>
#include <stdexcept>
#include <string>

namespace regsim {

class LoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Throws LoadError (unreadable file, invalid JSON, schema error).
Scenario load_scenario(const std::filesystem::path& file);

/// The same, from text already in memory; `file` is only used in messages and for relative paths.
Scenario load_scenario_text(const std::string& text, const std::filesystem::path& file);

}  // namespace regsim
