#pragma once
// `GET /events` filters: type, event, container, label, image, network, scope.

#include "fakes/docker/engine/event_log.hpp"
#include "fakes/docker/filters/filter_args.hpp"

namespace fakes::docker {

/// Throws DockerError(400) for keys the engine does not know.
void validate_event_filters(const FilterArgs& filters);
bool event_matches(const Event& e, const FilterArgs& filters);

}  // namespace fakes::docker
