#pragma once
// The members of a `docker inspect` document that registrator reads when no -tags template
// needs the whole document: service_builder (ports, metadata, names, addresses), the bridge's
// die handling (State) and container_ip() of a `container:` network peer.
#include "registrator/docker/fast_json.hpp"

namespace registrator {

/// What DockerHttpClient keeps of an inspect answer (see DockerHttpClient::keep_only).
const fast_json::Projection& inspect_fields_used();

}  // namespace registrator
