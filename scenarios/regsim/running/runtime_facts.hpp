#pragma once
// Answers template references ("{{ip host1/web5}}") from the running fakes. A container that
// has been stopped keeps the IP last seen, and one that has been removed keeps all facts last
// seen, so expectations written after `stop` or `rm` can still name them.

#include "scenarios/regsim/peers/docker_control.hpp"
#include "scenarios/regsim/language/scenario.hpp"
#include "scenarios/regsim/language/template_text.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>

namespace regsim {

class RuntimeFacts : public FactSource {
 public:
  using DockerFor = std::function<DockerControl&(const std::string& host)>;
  RuntimeFacts(const Scenario& scenario, DockerFor docker) : scenario_(scenario), docker_(std::move(docker)) {}

  std::string resolve(const TemplateRef& ref) const override;
  /// Inspects the container now and remembers what it saw (before a stop or rm takes it away).
  /// Returns nullopt when fake-docker has no such container.
  std::optional<ContainerFacts> observe(const std::string& host, const std::string& container) const;

 private:
  ContainerFacts container(const TemplateRef& ref) const;

  const Scenario& scenario_;
  DockerFor docker_;
  mutable std::map<std::string, ContainerFacts> last_seen_;  // "host/name"
};

/// Expands templates in every string of `value`. A string that is exactly one reference and
/// expands to digits becomes a number, so "ServicePort": "{{host_port h/c 80}}" compares with 7679.
nlohmann::json expand_json(const nlohmann::json& value, const FactSource& facts);

}  // namespace regsim
