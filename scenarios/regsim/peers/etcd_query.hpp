#pragma once
// Reads what registrator's etcd and SkyDNS backends wrote, through etcd's v3 JSON gateway, as
// `etcdctl get --prefix PREFIX` would, into entries a scenario can compare field by field:
//   {"Key": "/services/web/host1:web:80", "Value": "172.17.0.2:80", "LeaseTTL": 5}
// Value is the stored JSON object when the bytes are one (SkyDNS's {"host": ..., "port": ...}),
// else the text. LeaseTTL is the granted TTL of the key's lease, absent when it has none.

#include "fakes/common/http/client.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

namespace regsim {

class EtcdError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Every key under `prefix`, sorted by key; throws EtcdError when etcd is unreachable or its
/// answer is not what the gateway documents.
nlohmann::json fetch_etcd_keys(const fakes::http::Endpoint& etcd, const std::string& prefix);

/// The first key after every key that starts with `prefix` (etcd's range_end for a prefix).
std::string prefix_range_end(const std::string& prefix);

}  // namespace regsim
