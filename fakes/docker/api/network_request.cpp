#include "fakes/docker/api/network_request.hpp"

#include "fakes/docker/engine/docker_error.hpp"

#include <nlohmann/json.hpp>

namespace fakes::docker {

namespace {

using nlohmann::json;

json parse_object(const std::string& body, const std::string& what) {
  if (body.empty()) throw bad_parameter("invalid JSON: " + what + " cannot be empty");
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded()) throw bad_parameter("invalid JSON: the " + what + " is not valid JSON");
  if (!j.is_object()) throw bad_parameter("invalid JSON: the " + what + " must be a JSON object");
  return j;
}

std::string string_field(const json& j, const std::string& field) {
  const auto it = j.find(field);
  if (it == j.end() || it->is_null()) return {};
  if (!it->is_string()) throw bad_parameter("invalid JSON: " + field + " must be a string");
  return it->get<std::string>();
}

}  // namespace

NetworkCreateSpec parse_network_create(const std::string& body) {
  const json j = parse_object(body, "network config");
  NetworkCreateSpec spec;
  spec.name = string_field(j, "Name");
  spec.driver = string_field(j, "Driver");
  if (auto it = j.find("Labels"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) throw bad_parameter("invalid JSON: Labels must be an object of strings");
    for (const auto& [k, v] : it->items()) {
      if (!v.is_string()) throw bad_parameter("invalid JSON: Labels[\"" + k + "\"] must be a string");
      spec.labels[k] = v.get<std::string>();
    }
  }
  return spec;
}

std::string parse_network_container(const std::string& body) {
  const json j = parse_object(body, "request body");
  auto container = string_field(j, "Container");
  if (container.empty()) throw bad_parameter("invalid JSON: Container must name a container");
  return container;
}

NetworkConnectSpec parse_network_connect(const std::string& body) {
  NetworkConnectSpec spec;
  spec.container = parse_network_container(body);
  const json j = parse_object(body, "request body");
  const auto config = j.find("EndpointConfig");
  if (config == j.end() || config->is_null()) return spec;
  if (!config->is_object()) throw bad_parameter("invalid JSON: EndpointConfig must be an object");
  auto object_text = [&](const char* field) -> std::string {
    const auto it = config->find(field);
    if (it == config->end() || it->is_null()) return {};
    if (!it->is_object()) throw bad_parameter(std::string("invalid JSON: EndpointConfig.") + field + " must be an object");
    return it->dump();
  };
  spec.ipam_config_json = object_text("IPAMConfig");
  spec.driver_opts_json = object_text("DriverOpts");
  return spec;
}

}  // namespace fakes::docker
