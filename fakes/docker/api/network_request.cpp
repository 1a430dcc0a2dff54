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
  if (auto ipam = j.find("IPAM"); ipam != j.end() && ipam->is_object())
    if (auto options = ipam->find("Options"); options != ipam->end() && options->is_object()) spec.ipam_options = true;
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
  if (const auto config = j.find("EndpointConfig"); config != j.end())
    spec.endpoint = parse_endpoint_config(*config, "EndpointConfig");
  return spec;
}

EndpointRequest parse_endpoint_config(const json& config, const std::string& field) {
  EndpointRequest out;
  if (config.is_null()) return out;
  if (!config.is_object()) throw bad_parameter("invalid JSON: " + field + " must be an object");
  auto object_text = [&](const char* name) -> std::string {
    const auto it = config.find(name);
    if (it == config.end() || it->is_null()) return {};
    if (!it->is_object()) throw bad_parameter("invalid JSON: " + field + "." + name + " must be an object");
    return it->dump();
  };
  out.ipam_config_json = object_text("IPAMConfig");
  out.driver_opts_json = object_text("DriverOpts");
  auto strings = [&](const char* name) {
    std::vector<std::string> list;
    const auto it = config.find(name);
    if (it == config.end() || it->is_null()) return list;
    if (!it->is_array()) throw bad_parameter("invalid JSON: " + field + "." + name + " must be an array of strings");
    for (const auto& v : *it) {
      if (!v.is_string()) throw bad_parameter("invalid JSON: " + field + "." + name + " must be an array of strings");
      list.push_back(v.get<std::string>());
    }
    return list;
  };
  out.aliases = strings("Aliases");
  if (!strings("Links").empty())
    throw bad_parameter("fake-docker does not support legacy container links (" + field + ".Links); use a user-defined network and its names instead");
  return out;
}

}  // namespace fakes::docker
