#pragma once
// How the engine prints things: inspect and list views of containers, events, images,
// networks, /version and /info, with the field names, shapes and version differences that
// clients (docker CLI, registrator) rely on.

#include "fakes/docker/api/api_version.hpp"
#include "fakes/docker/engine/container.hpp"
#include "fakes/docker/engine/engine.hpp"
#include "fakes/docker/engine/event_log.hpp"
#include "fakes/docker/engine/image_catalog.hpp"

#include <nlohmann/json.hpp>

#include <set>

namespace fakes::docker {

using Json = nlohmann::ordered_json;

struct ServerIdentity {
  ApiVersion max_version;
  ApiVersion min_version;
  std::string release;  // "27.5.1"
};

Json container_inspect_json(const Container& c, ApiVersion version);
Json container_summary_json(const Container& c, std::int64_t now_nanos, bool with_size, ApiVersion version);
/// container_inspect_json(c, version).dump(), written without building the document.
std::string write_container_inspect(const Container& c, ApiVersion version);
/// An endpoint's Aliases as this API version reports them (the short ID added below 1.45).
std::vector<std::string> endpoint_aliases(const Endpoint& e, const Container& c, ApiVersion version);
/// An endpoint's DNSNames (API 1.44+): empty off user-defined networks.
std::vector<std::string> endpoint_dns_names(const Endpoint& e, const Container& c);
/// HostConfig.NetworkMode as this API version reports it.
std::string reported_network_mode(const Container& c, ApiVersion version);
/// container_inspect_json(...).dump(), and container_summary_json(...).dump() appended to `out`,
/// byte for byte, from views cached in the container until its revision changes.
/// The inspect text lives in the container's cache until the container changes.
const std::string& container_inspect_text(const Container& c, ApiVersion version);
/// The cached view holding that text (head), for the API layer's cached answer.
const CachedView& container_inspect_view(const Container& c, ApiVersion version);
void append_container_summary(std::string& out, const Container& c, std::int64_t now_nanos, bool with_size,
                              ApiVersion version);
/// One /events line; API < 1.52 adds the legacy status/id/from fields.
Json event_json(const Event& e, ApiVersion version);
Json image_summary_json(const Image& image, ApiVersion version);
Json image_inspect_json(const Image& image, ApiVersion version);
Json network_json(const Network& network, const Engine& engine, bool with_containers, ApiVersion version);
/// GET /system/df: images (with the number of containers using each), containers (with their
/// sizes), no volumes or build cache; from API 1.52 also the per-type usage summaries. `types`
/// (the `type` query values) limits the sections; empty = all.
Json disk_usage_json(const Engine& engine, ApiVersion version, const std::set<std::string>& types);
Json version_json(const ServerIdentity& server);
Json info_json(const ServerIdentity& server, const Engine& engine);

/// Go's units.HumanDuration: "Less than a second", "5 seconds", "About a minute", ...
std::string human_duration(std::int64_t nanos);
/// The list view's Status column: "Created", "Up 5 seconds (Paused)", "Exited (0) 3 minutes ago".
std::string status_text(const ContainerState& state, std::int64_t now_nanos);

}  // namespace fakes::docker
