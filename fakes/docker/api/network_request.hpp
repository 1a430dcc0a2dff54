#pragma once
// Reads the bodies of POST /networks/create and POST /networks/{id}/connect|disconnect.
// Malformed JSON or a field of the wrong type is a 400 naming the field; nothing changes then.

#include "fakes/docker/engine/engine.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace fakes::docker {

struct NetworkCreateSpec {
  std::string name;
  std::string driver;  // "" = bridge
  std::map<std::string, std::string> labels;
  bool ipam_options = false;  // IPAM.Options was sent (as an object)
};

NetworkCreateSpec parse_network_create(const std::string& body);

/// The "Container" of a connect or disconnect body (an ID or a name).
std::string parse_network_container(const std::string& body);

/// A connect body: the container and its EndpointConfig.
struct NetworkConnectSpec {
  std::string container;
  EndpointRequest endpoint;
};
NetworkConnectSpec parse_network_connect(const std::string& body);

/// One EndpointConfig (connect's, or an entry of create's NetworkingConfig.EndpointsConfig;
/// `field` names it in errors): Aliases, and IPAMConfig and DriverOpts as JSON text to be
/// reported back. Links are refused (400): this fake has no legacy links.
EndpointRequest parse_endpoint_config(const nlohmann::json& config, const std::string& field);

}  // namespace fakes::docker
