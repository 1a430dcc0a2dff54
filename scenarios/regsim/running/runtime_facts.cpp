#include "scenarios/regsim/running/runtime_facts.hpp"

#include "scenarios/regsim/running/registrator_flags.hpp"

#include <algorithm>
#include <cctype>

namespace regsim {

std::optional<ContainerFacts> RuntimeFacts::observe(const std::string& host, const std::string& container) const {
  auto facts = docker_(host).inspect(container);
  if (!facts) return std::nullopt;
  const std::string key = host + "/" + container;
  // A stopped container has no IP any more; the last one seen is what expectations mean.
  if (facts->ip.empty())
    if (auto it = last_seen_.find(key); it != last_seen_.end()) facts->ip = it->second.ip;
  return last_seen_[key] = *facts;
}

ContainerFacts RuntimeFacts::container(const TemplateRef& ref) const {
  std::optional<ContainerFacts> facts;
  try {
    facts = observe(ref.host, ref.container);
  } catch (const DockerError& e) {
    throw TemplateError(ref.text + ": " + e.what());
  }
  if (facts) return *facts;
  if (auto it = last_seen_.find(ref.host + "/" + ref.container); it != last_seen_.end()) return it->second;
  throw TemplateError(ref.text + ": fake-docker on " + ref.host + " has no container " + ref.container);
}

std::string RuntimeFacts::resolve(const TemplateRef& ref) const {
  if (ref.function == "node") return scenario_.consul.node;
  if (ref.function == "datacenter") return scenario_.consul.datacenter;
  if (ref.function == "hostname") {
    const auto* host = scenario_.find_host(ref.host);
    return host ? registrator_hostname(*host) : ref.host;
  }
  if (ref.function == "host_ip") {
    const auto* host = scenario_.find_host(ref.host);
    if (!host || host->ip.empty()) throw TemplateError(ref.text + ": host " + ref.host + " has no \"ip\" in the scenario");
    return host->ip;
  }
  const auto facts = container(ref);
  if (ref.function == "id") return facts.id;
  if (ref.function == "ip") {
    if (facts.ip.empty())
      throw TemplateError(ref.text + ": container " + ref.container + " has no IP (state " + facts.state + ")");
    return facts.ip;
  }
  if (ref.function == "host_port") {
    auto it = facts.host_ports.find(ref.port);
    if (it == facts.host_ports.end() || it->second.empty())
      throw TemplateError(ref.text + ": port " + ref.port + " of " + ref.container + " is not published");
    return it->second;
  }
  throw TemplateError(ref.text + ": unknown reference");
}

nlohmann::json expand_json(const nlohmann::json& value, const FactSource& facts) {
  if (value.is_string()) {
    const auto tmpl = parse_template(value.get<std::string>());
    if (!tmpl.has_references()) return value;
    auto text = expand_template(tmpl, facts);
    const bool digits = !text.empty() && text.size() < 10 &&
                        std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
    if (tmpl.is_single_reference() && digits) return std::stol(text);
    return text;
  }
  if (value.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, v] : value.items()) out[k] = expand_json(v, facts);
    return out;
  }
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& v : value) out.push_back(expand_json(v, facts));
    return out;
  }
  return value;
}

}  // namespace regsim
