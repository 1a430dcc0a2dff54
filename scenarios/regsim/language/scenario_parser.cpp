#include "scenarios/regsim/language/scenario_parser.hpp"

#include "scenarios/regsim/language/parser/scenario_parser_class.hpp"

namespace regsim {

Scenario parse_scenario(const nlohmann::json& document, const std::filesystem::path& base_dir,
                        const std::string& default_name) {
  return parsing::ScenarioParser(base_dir).parse(document, default_name);
}

}  // namespace regsim
