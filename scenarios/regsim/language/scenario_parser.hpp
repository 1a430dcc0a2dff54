#pragma once
// JSON document -> Scenario, validating everything that can be checked before anything starts:
// shapes, unknown keys, durations, publish specs, template references. Errors are
// ScenarioError naming the JSON path; scenario_loader adds the file and line.

#include "scenarios/regsim/language/scenario_json_reader.hpp"
#include "scenarios/regsim/language/scenario.hpp"

#include <filesystem>

namespace regsim {

/// `base_dir` resolves relative registrator binary paths; `default_name` is used when the
/// document has no "name".
Scenario parse_scenario(const nlohmann::json& document, const std::filesystem::path& base_dir,
                        const std::string& default_name);

}  // namespace regsim
