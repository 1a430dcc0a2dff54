#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace registrator {

/// Where a service came from (upstream bridge.ServicePort).
struct ServiceOrigin {
  std::string container_id;
  std::string container_name;      ///< without the leading '/'
  std::string container_hostname;  ///< Config.Hostname
  std::string exposed_port;        ///< e.g. "80"
  std::string exposed_ip;          ///< container IP
  std::string host_port;           ///< "" when not published
  std::string host_ip;
  std::string port_type;           ///< "tcp", "udp", ...
  bool operator==(const ServiceOrigin&) const = default;
};

/// A service to register (upstream bridge.Service).
struct Service {
  std::string id;
  std::string name;
  int port = 0;
  std::string ip;
  std::vector<std::string> tags;
  std::map<std::string, std::string> attrs;
  std::int64_t ttl = 0;
  ServiceOrigin origin;
  bool operator==(const Service&) const = default;
};

}  // namespace registrator
