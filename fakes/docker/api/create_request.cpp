#include "fakes/docker/api/create_request.hpp"

#include "fakes/docker/api/network_request.hpp"
#include "fakes/docker/engine/docker_error.hpp"
#include "fakes/docker/engine/port_spec.hpp"

#include <nlohmann/json.hpp>

namespace fakes::docker {

namespace {

using nlohmann::json;

DockerError field_error(const std::string& field, const std::string& expected) {
  return bad_parameter("invalid JSON: " + field + " must be " + expected);
}

std::vector<std::string> strings(const json& j, const std::string& field) {
  std::vector<std::string> out;
  if (j.is_null()) return out;
  if (!j.is_array()) throw field_error(field, "an array of strings");
  for (const auto& v : j) {
    if (!v.is_string()) throw field_error(field, "an array of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

// Cmd and Entrypoint may be a string in old clients (the engine's StrSlice accepts both).
std::optional<std::vector<std::string>> command(const json& parent, const char* field) {
  auto it = parent.find(field);
  if (it == parent.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return std::vector<std::string>{it->get<std::string>()};
  return strings(*it, field);
}

std::string text(const json& parent, const char* field, const std::string& path) {
  auto it = parent.find(field);
  if (it == parent.end() || it->is_null()) return {};
  if (!it->is_string()) throw field_error(path, "a string");
  return it->get<std::string>();
}

std::string port_key(const std::string& raw, const std::string& field) {
  auto spec = parse_port_spec(raw);
  if (!spec) throw bad_parameter("invalid JSON: " + field + ": invalid port specification: \"" + raw + "\"");
  return spec->key();
}

HostConfig host_config(const json& j) {
  HostConfig hc;
  if (j.is_null()) return hc;
  if (!j.is_object()) throw field_error("HostConfig", "an object");
  hc.network_mode = text(j, "NetworkMode", "HostConfig.NetworkMode");
  if (auto it = j.find("PublishAllPorts"); it != j.end() && !it->is_null()) {
    if (!it->is_boolean()) throw field_error("HostConfig.PublishAllPorts", "a boolean");
    hc.publish_all_ports = it->get<bool>();
  }
  auto pb = j.find("PortBindings");
  if (pb == j.end() || pb->is_null()) return hc;
  if (!pb->is_object()) throw field_error("HostConfig.PortBindings", "an object");
  for (const auto& [raw_port, list] : pb->items()) {
    const std::string field = "HostConfig.PortBindings[\"" + raw_port + "\"]";
    auto& bindings = hc.port_bindings[port_key(raw_port, "HostConfig.PortBindings")];
    if (list.is_null()) continue;
    if (!list.is_array()) throw field_error(field, "an array of bindings");
    for (const auto& b : list) {
      if (!b.is_object()) throw field_error(field, "an array of {HostIp, HostPort} objects");
      PortBinding binding{text(b, "HostIp", field + ".HostIp"), text(b, "HostPort", field + ".HostPort")};
      if (!binding.host_port.empty()) {
        auto spec = parse_port_spec(binding.host_port);
        if (!spec || binding.host_port.find('/') != std::string::npos)
          throw bad_parameter("invalid port specification: \"" + binding.host_port + "\"");
      }
      bindings.push_back(binding);
    }
    if (bindings.empty()) bindings.push_back(PortBinding{});
  }
  return hc;
}

}  // namespace

CreateSpec parse_create_request(const std::string& body, const std::string& name) {
  if (body.empty()) throw bad_parameter("invalid JSON: config cannot be empty in order to create a container");
  json j;
  try {
    j = json::parse(body);
  } catch (const json::exception& e) {  // syntax, and numbers beyond double (out_of_range.406)
    throw bad_parameter(std::string("invalid JSON: ") + e.what());
  }
  if (!j.is_object()) throw bad_parameter("invalid JSON: the container config must be a JSON object");
  CreateSpec spec;
  spec.name = name;
  spec.image = text(j, "Image", "Image");
  if (spec.image.empty()) throw bad_parameter("no image specified: config.Image must name the image to run");
  spec.hostname = text(j, "Hostname", "Hostname");
  if (auto it = j.find("Env"); it != j.end()) spec.env = strings(*it, "Env");
  if (auto it = j.find("Labels"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) throw field_error("Labels", "an object of strings");
    for (const auto& [k, v] : it->items()) {
      if (!v.is_string()) throw field_error("Labels[\"" + k + "\"]", "a string");
      spec.labels[k] = v.get<std::string>();
    }
  }
  if (auto it = j.find("ExposedPorts"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) throw field_error("ExposedPorts", "an object like {\"80/tcp\": {}}");
    for (const auto& [port, _] : it->items()) spec.exposed_ports.insert(port_key(port, "ExposedPorts"));
  }
  auto& io = spec.stdio;
  const std::pair<const char*, bool*> flags[] = {{"AttachStdin", &io.attach_stdin}, {"AttachStdout", &io.attach_stdout},
                                                  {"AttachStderr", &io.attach_stderr}, {"Tty", &io.tty},
                                                  {"OpenStdin", &io.open_stdin},       {"StdinOnce", &io.stdin_once}};
  for (const auto& [field, value] : flags)
    if (auto it = j.find(field); it != j.end() && !it->is_null()) {
      if (!it->is_boolean()) throw field_error(field, "a boolean");
      *value = it->get<bool>();
    }
  spec.cmd = command(j, "Cmd");
  spec.entrypoint = command(j, "Entrypoint");
  if (auto it = j.find("HostConfig"); it != j.end()) spec.host_config = host_config(*it);
  if (auto it = j.find("NetworkingConfig"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) throw field_error("NetworkingConfig", "an object");
    if (auto ep = it->find("EndpointsConfig"); ep != it->end() && !ep->is_null()) {
      if (!ep->is_object()) throw field_error("NetworkingConfig.EndpointsConfig", "an object of EndpointSettings");
      for (const auto& [network, config] : ep->items())
        spec.endpoints[network] = parse_endpoint_config(config, "NetworkingConfig.EndpointsConfig[\"" + network + "\"]");
    }
  }
  return spec;
}

}  // namespace fakes::docker
