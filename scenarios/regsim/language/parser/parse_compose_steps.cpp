// Scenario parser: compose_up and compose_down, whose compose file is read and resolved here, so
// a file regsim cannot model refuses the scenario before anything starts.
#include "scenarios/regsim/language/parser/scenario_parser_class.hpp"

#include "scenarios/regsim/language/compose/compose_file.hpp"

#include <cctype>

namespace regsim::parsing {
namespace {

// Docker's rule for container names: [a-zA-Z0-9][a-zA-Z0-9_.-]+
bool docker_name(const std::string& name) {
  if (name.size() < 2 || !std::isalnum(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') return false;
  return true;
}

}  // namespace

ComposeAction ScenarioParser::parse_compose(FieldReader& r, const Scenario& s, const std::string& action) {
  ComposeAction c;
  c.up = action == "compose_up";
  c.host = host_of(r, s);
  c.file = r.required_string("file");
  const auto project = r.optional_string("project").value_or("");
  const std::filesystem::path file(c.file);
  try {
    c.project = compose::load_compose_file((file.is_relative() ? base_dir_ / file : file).lexically_normal(), project);
  } catch (const compose::ComposeError& e) {
    throw ScenarioError(r.path_of("file"), e.what());
  }
  for (const auto& container : c.project.containers)
    if (!docker_name(container.name))
      throw ScenarioError(r.path_of("file"), c.file + ": service " + container.service + ": \"" + container.name +
                                                 "\" is not a container name Docker accepts ([a-zA-Z0-9][a-zA-Z0-9_.-]+)");
  if (c.up) {
    // Later steps and templates may name the project's containers and networks.
    for (const auto& container : c.project.containers) scope_.containers.insert(c.host + "/" + container.name);
    for (const auto& net : c.project.networks) networks_.insert(c.host + "/" + net.name);
  }
  return c;
}

}  // namespace regsim::parsing
