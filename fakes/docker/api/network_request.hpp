#pragma once
// Reads the bodies of POST /networks/create and POST /networks/{id}/connect|disconnect.
// Malformed JSON or a field of the wrong type is a 400 naming the field; nothing changes then.

#include <map>
#include <string>

namespace fakes::docker {

struct NetworkCreateSpec {
  std::string name;
  std::string driver;  // "" = bridge
  std::map<std::string, std::string> labels;
};

NetworkCreateSpec parse_network_create(const std::string& body);

/// The "Container" of a connect or disconnect body (an ID or a name).
std::string parse_network_container(const std::string& body);

/// A connect body: the container, and its EndpointConfig's IPAMConfig and DriverOpts as JSON
/// text ("" when absent or null) to be reported back in inspect.
struct NetworkConnectSpec {
  std::string container;
  std::string ipam_config_json;
  std::string driver_opts_json;
};
NetworkConnectSpec parse_network_connect(const std::string& body);

}  // namespace fakes::docker
