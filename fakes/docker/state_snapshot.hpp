#pragma once
// --state FILE: what `docker inspect $(docker ps -aq)` printed on a real host, read back so
// fake-docker starts with the same containers: names, IDs, config, ports, networks and
// addresses, running ones running. Every problem names the file, the container's index and
// the field; nothing is loaded from a file with a problem.

#include "fakes/docker/engine/engine.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace fakes::docker {

class StateFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Parses the JSON text of an inspect array. `source` names it in messages ("state.json").
std::vector<RestoredContainer> parse_state_snapshot(const std::string& text, const std::string& source);
std::vector<RestoredContainer> load_state_file(const std::string& path);

/// "2024-05-01T10:00:00.123456789Z" (or with an offset) -> ns since the epoch; Go's zero time
/// "0001-01-01T00:00:00Z" -> 0; nullopt when malformed.
std::optional<std::int64_t> parse_rfc3339_nanos(const std::string& text);

}  // namespace fakes::docker
