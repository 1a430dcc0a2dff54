#pragma once
// Reads the body of POST /containers/create into a CreateSpec. Malformed JSON or a field of
// the wrong type is a 400 naming the field; nothing is created in that case.

#include "fakes/docker/engine/engine.hpp"

#include <string>

namespace fakes::docker {

CreateSpec parse_create_request(const std::string& body, const std::string& name);

}  // namespace fakes::docker
