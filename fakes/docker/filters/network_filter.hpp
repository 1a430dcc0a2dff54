#pragma once
// `GET /networks` filters, as the engine's network list (api/server/router/network): name
// (substring), id (prefix), label, driver, type (custom|builtin), scope (local only here),
// dangling (true|false: whether a running container is on it; predefined networks never
// dangle). Values of one key are ORed, keys ANDed, labels all must hold.

#include "fakes/docker/engine/engine.hpp"
#include "fakes/docker/filters/filter_args.hpp"

namespace fakes::docker {

/// Throws DockerError(400) for unknown keys or bad values (type=x, dangling=maybe).
void validate_network_filters(const FilterArgs& filters);
/// `in_use`: a running container has an endpoint on it.
bool network_matches(const Network& n, const FilterArgs& filters, bool in_use);

}  // namespace fakes::docker
