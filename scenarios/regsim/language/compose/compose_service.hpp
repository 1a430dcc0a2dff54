#pragma once
// One service of a compose file -> its containers, as Compose v1 creates them. Internal to
// language/compose/: compose_file.hpp is the entry point.

#include "scenarios/regsim/language/compose/compose_project.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace regsim::compose::detail {

/// Something refused or malformed at `path` ("services.web.ports[0]"); compose_file.cpp adds
/// the file and the line.
class Refusal : public std::runtime_error {
 public:
  Refusal(std::string path, const std::string& detail) : std::runtime_error(detail), path_(std::move(path)) {}
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct ProjectContext {
  std::string project;
  std::string working_dir;  // com.docker.compose.project.working_dir
  std::string config_file;  // com.docker.compose.project.config_files
  const std::map<std::string, ComposeNetwork>& networks;  // declared, by the file's key (and "default")
};

/// `environment` / `labels` shape: {KEY: VALUE} or ["KEY=VALUE"]; numbers become text. With
/// `value_required`, a key without a value (which Compose takes from its own shell) is refused.
std::vector<std::pair<std::string, std::string>> list_or_dict(const nlohmann::ordered_json& v, const std::string& path,
                                                              bool value_required);

/// The services `depends_on` names, in the file's order (list, or {SERVICE: {condition:
/// service_started}}); conditions that wait for health or for an exit are refused.
std::vector<std::string> service_dependencies(const nlohmann::ordered_json& service, const std::string& path);

/// The network keys the service is on, in the file's order ({"default"} when it names none).
std::vector<std::string> service_network_keys(const nlohmann::ordered_json& service, const std::string& path);

std::vector<ComposeContainer> resolve_service(const std::string& name, const nlohmann::ordered_json& service,
                                              const std::string& path, const ProjectContext& project);

}  // namespace regsim::compose::detail
