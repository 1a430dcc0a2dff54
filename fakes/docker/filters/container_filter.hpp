#pragma once
// `GET /containers/json` filters: status, label, name, id, network, ancestor, exited, health.
// Values of one key are ORed, different keys ANDed (labels: all must hold), as in the engine.

#include "fakes/docker/engine/container.hpp"
#include "fakes/docker/filters/filter_args.hpp"

namespace fakes::docker {

/// Throws DockerError(400) for unknown keys or bad values (e.g. a non-numeric exited=).
void validate_container_filters(const FilterArgs& filters);
bool container_matches(const Container& c, const FilterArgs& filters);

}  // namespace fakes::docker
