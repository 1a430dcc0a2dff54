#pragma once
// A compose file resolved as Compose v1 (docker-compose 1.29.2) resolves it for `up`: the
// networks it creates and the containers, with Compose's names, labels, aliases and ports, in
// the order it creates them. compose_file.hpp makes one; the compose steps replay it.

#include "scenarios/regsim/language/publish_spec.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace regsim::compose {

/// The Compose v1 release whose behaviour is reproduced (its com.docker.compose.version label).
inline constexpr const char* kComposeVersion = "1.29.2";

struct ComposeNetwork {
  std::string key;       // as the file names it: "default", "back"
  std::string name;      // the engine's: "<project>_<key>", or its `name:`
  bool external = false; // exists already: never created nor removed
  std::map<std::string, std::string> labels;  // the file's plus Compose's own
};

struct ComposeEndpoint {
  std::string network;               // the engine's name
  std::vector<std::string> aliases;  // the service name, then the file's aliases
};

struct ComposeContainer {
  std::string name;     // "<project>_<service>_<number>", or the service's container_name
  std::string service;
  int number = 1;
  std::string image;
  std::optional<std::vector<std::string>> command;  // Cmd; unset = the image's
  std::vector<std::string> env;                     // "KEY=VALUE", in the file's order
  std::map<std::string, std::string> labels;        // the file's plus Compose's own
  std::vector<PortPublish> publish;
  std::vector<std::string> expose;                  // "80/tcp": exposed without a binding
  std::vector<ComposeEndpoint> networks;            // the first is the one it is created on
};

struct ComposeProject {
  std::string name;                         // the project: "p"
  std::vector<ComposeNetwork> networks;     // the ones its services use, in creation order
  std::vector<ComposeContainer> containers; // in creation order
};

}  // namespace regsim::compose
