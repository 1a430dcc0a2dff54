#pragma once
// Pure translation of a `docker inspect` document into services, mirroring upstream
// bridge.go add()/newService() and util.go serviceMetaData()/servicePort()/combineTags().
//
// Deliberate, documented differences from upstream (which iterates Go maps randomly):
//  * Labels are read in key order after Env (for generic SERVICE_* keys the last one wins, as upstream).
//  * Services are produced in ascending (port number, protocol) order.
//  * Container IP: NetworkSettings.IPAddress when present and non-empty (API < 1.52); otherwise
//    from NetworkSettings.Networks: the network named by HostConfig.NetworkMode, else "bridge",
//    else the lexicographically first network name with a non-empty IPAddress. Only when no
//    IPv4 address exists anywhere: the same order over GlobalIPv6Address (IPv6-only networks).
//  * A binding on "::" (published on IPv6 only) counts as unspecified, like 0.0.0.0.
//  * The same rule is used for the IP of a `container:<id>` network-mode peer.
//  * A missing/empty HostConfig.NetworkMode is treated like "default".
//  * Of several host bindings of one port, the first IPv4 one is used (upstream: the first).
//  * Tags keep their written order (upstream's recursive splitter reverses each list).
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "registrator/app/config.hpp"
#include "registrator/mapping/service.hpp"

namespace registrator {

struct BuildContext {
  const Config& config;
  /// Host part of service IDs (upstream: os.Hostname()). Empty: the host IP is used instead.
  std::string hostname;
  /// Resolves `hostname` to an IP for ports bound to 0.0.0.0 (upstream net.ResolveIPAddr).
  /// Unset or nullopt: the IP stays "0.0.0.0".
  std::function<std::optional<std::string>(const std::string& host)> resolve_host;
  /// Inspects another container for `NetworkMode: container:<id>`. Unset or nullopt: not found.
  std::function<std::optional<nlohmann::json>(const std::string& id)> inspect_container;
};

struct BuildResult {
  std::vector<Service> services;
  /// Upstream-style log lines ("ignored: ...", "using container IP ..."), in order.
  std::vector<std::string> notes;
};

/// Builds the services of one container. Never throws on odd input: missing or mistyped
/// fields are treated as absent.
BuildResult build_services(const nlohmann::json& container, const BuildContext& ctx);

/// SERVICE_* metadata for one exposed port: keys lower-cased with the prefix removed, per-port
/// keys (SERVICE_<port>_<key>) winning. `from_port` holds the keys that came from per-port entries.
struct Metadata {
  std::map<std::string, std::string> values;
  std::map<std::string, bool> from_port;
};
Metadata service_metadata(const nlohmann::json& config, std::string_view port);

/// Upstream recParseEscapedComma, but in written order: "a,b\\,c" -> {"a", "b,c"}; empty items dropped.
std::vector<std::string> split_escaped_commas(std::string_view s);
std::vector<std::string> combine_tags(const std::vector<std::string>& parts);

/// Image basename without registry/path and tag: "progrium/foobar:latest" -> "foobar".
std::string default_service_name(std::string_view image);

/// The container IP by the deterministic rule above ("" if none).
std::string container_ip(const nlohmann::json& container);

}  // namespace registrator
