#pragma once
// `docker-compose up -d` and `docker-compose down` for a resolved compose project, as the Engine
// API calls Compose v1 makes: networks created with Compose's labels, each container created on
// its first network with its aliases, connected to the others, then started; down stops and
// removes the project's containers (found by Compose's labels) and then its networks.

#include "scenarios/regsim/language/compose/compose_project.hpp"
#include "scenarios/regsim/peers/docker_control.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace regsim {

/// The POST /containers/create body Compose sends for `container` (before connecting the rest).
nlohmann::json compose_create_body(const compose::ComposeContainer& container);

/// Creates what is missing and starts what is not running (an existing container is kept, as
/// `up` keeps an unchanged one). Returns the containers' names, in order. Throws DockerError.
std::vector<std::string> compose_up(DockerControl& docker, const compose::ComposeProject& project);

/// Stops and removes the project's containers of the file's services, then the project's
/// networks (external ones are left). Returns the removed containers' names. Throws DockerError.
std::vector<std::string> compose_down(DockerControl& docker, const compose::ComposeProject& project);

}  // namespace regsim
