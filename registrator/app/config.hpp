#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "registrator/health/health_check_command.hpp"
#include "registrator/health/listen_address.hpp"

namespace registrator {

/// Runtime configuration = the command line (upstream registrator.go flags plus ours).
struct Config {
  std::string host_ip;            ///< -ip: IP for ports mapped to the host
  bool internal = false;          ///< -internal: use exposed ports and container IP
  bool explicit_only = false;     ///< -explicit: only containers with SERVICE_NAME
  std::string use_ip_from_label;  ///< -useIpFromLabel
  std::int64_t ttl = 0;           ///< -ttl (seconds)
  std::int64_t ttl_refresh = 0;   ///< -ttl-refresh (seconds)
  std::string force_tags;         ///< -tags (comma list, backslash escapes commas)
  std::int64_t resync = 0;        ///< -resync (seconds, 0 = never)
  std::string deregister = "always";  ///< -deregister: "always" | "on-success"
  std::int64_t retry_attempts = 0;     ///< -retry-attempts (-1 = forever)
  std::int64_t retry_interval_ms = 2000;  ///< -retry-interval (milliseconds)
  bool cleanup = false;           ///< -cleanup
  std::string hostname;           ///< -hostname (ours): host part of IDs; empty = OS hostname
  bool v6_naming = false;         ///< -v6-naming (ours): SERVICE_NAME is never -<port> suffixed
  bool deregister_on_stop = false;  ///< -deregister-on-stop (ours): deregister on SIGTERM/SIGINT
  std::string log_format = "text";  ///< -log-format (ours): "text" (upstream's lines) | "json"
  std::optional<ListenAddress> health_addr;  ///< -health-addr (ours): where GET /health is served; unset = off
  std::optional<ProbeUrl> healthcheck;  ///< -healthcheck (ours): GET this URL, exit 0 on 200 (no registry URI)
  std::string registry_uri;       ///< the positional <registry URI>
};

}  // namespace registrator
