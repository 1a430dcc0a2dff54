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

}  // namespace fakes::docker
