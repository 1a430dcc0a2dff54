#pragma once
// One prepared query as Consul stores it (structs.PreparedQuery): a service lookup with its
// health, tag and meta filters, where to fail over when the datacenter has no healthy
// instance, the DNS TTL of its answers, and, for a template, how a looked-up name is turned
// into the query. Lists and maps keep Go's nil/empty difference: GET answers null for a
// field the creator left out and [] / {} for one sent empty.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fakes::consul {

using OptionalList = std::optional<std::vector<std::string>>;
using OptionalMap = std::optional<std::map<std::string, std::string>>;

struct QueryFailover {
  int nearest_n = 0;         // try the N nearest other datacenters first
  OptionalList datacenters;  // then these, in order, skipping unknown ones
};

struct ServiceQuery {
  std::string service;
  QueryFailover failover;
  bool only_passing = false;  // warning hides an instance too, not only critical
  OptionalList ignore_check_ids;
  std::string near;           // a node name, "_agent" or "_ip": who comes first
  OptionalList tags;          // each required; "!tag" forbidden
  OptionalMap node_meta;
  OptionalMap service_meta;
};

struct QueryTemplate {
  std::string type;    // "" = a static query; else "name_prefix_match"
  std::string regexp;  // captures for ${match(N)}
  bool remove_empty_tags = false;
};

struct PreparedQuery {
  std::string id;
  std::string name;
  std::string session;  // bound queries go with their session
  std::string token;
  QueryTemplate template_;
  ServiceQuery service;
  std::string dns_ttl;  // DNS.TTL, a Go duration; "" = the agent's service TTL
  std::uint64_t create_index = 0;
  std::uint64_t modify_index = 0;

  bool is_template() const { return !template_.type.empty(); }
};

}  // namespace fakes::consul
