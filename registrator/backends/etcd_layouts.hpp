#pragma once
// Where and how a service is written into etcd: upstream etcd/etcd.go and skydns2/skydns2.go.
#include <functional>
#include <string>

#include "registrator/mapping/service.hpp"

namespace registrator {

struct EtcdLayout {
  std::string backend;  ///< "etcd" or "skydns2", for log lines and errors
  std::function<std::string(const Service&)> key;
  std::function<std::string(const Service&)> value;
};

/// etcd://host/path: key "<path>/<name>/<id>", value "ip:port" (net.JoinHostPort).
EtcdLayout etcd_layout(std::string path);

/// "skydns.local" -> "/skydns/local/skydns" (upstream domainPath).
std::string skydns2_domain_path(const std::string& domain);
/// skydns2://host/domain: key "/skydns/<reversed domain>/<name>/<id>",
/// value {"host":"<ip>","port":<port>} byte for byte as upstream.
EtcdLayout skydns2_layout(const std::string& domain);

}  // namespace registrator
