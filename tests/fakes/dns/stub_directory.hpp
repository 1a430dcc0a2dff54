// In-memory ServiceDirectory for DNS tests, plus the catalog most tests share.
#pragma once

#include "fakes/dns/wire/dns_name.hpp"
#include "fakes/dns/answers/service_directory.hpp"

#include <map>
#include <stdexcept>
#include <string>

namespace fakes::dns::testing {

class StubDirectory : public ServiceDirectory {
 public:
  void add(const std::string& dc, const std::string& service, ServiceInstance instance) {
    services_[dc][ascii_lower(service)].push_back(std::move(instance));
  }
  void add_node(const std::string& dc, NodeInfo node) { nodes_[dc][ascii_lower(node.name)] = std::move(node); }
  void add_datacenter(const std::string& dc) { services_[dc]; }
  void throw_on(const std::string& service) { throwing_ = service; }

  std::vector<ServiceInstance> service_instances(std::string_view dc, std::string_view service) const override {
    if (service == throwing_) throw std::runtime_error("directory failure");
    const auto d = services_.find(std::string(dc));
    if (d == services_.end()) return {};
    const auto s = d->second.find(std::string(service));
    return s == d->second.end() ? std::vector<ServiceInstance>{} : s->second;
  }
  std::optional<NodeInfo> node(std::string_view dc, std::string_view name) const override {
    const auto d = nodes_.find(std::string(dc));
    if (d == nodes_.end()) return std::nullopt;
    const auto n = d->second.find(std::string(name));
    if (n == d->second.end()) return std::nullopt;
    return n->second;
  }
  bool has_datacenter(std::string_view dc) const override { return services_.contains(std::string(dc)); }
  std::optional<std::string> node_with_address(std::string_view dc, std::string_view address) const override {
    const auto d = nodes_.find(std::string(dc));
    if (d == nodes_.end()) return std::nullopt;
    for (const auto& [key, node] : d->second) {
      if (node.address == address) return node.name;
    }
    return std::nullopt;
  }
  std::optional<std::string> service_with_address(std::string_view dc, std::string_view address) const override {
    const auto d = services_.find(std::string(dc));
    if (d == services_.end()) return std::nullopt;
    for (const auto& [name, instances] : d->second) {
      for (const ServiceInstance& s : instances) {
        if (s.service_address == address) return name;
      }
    }
    return std::nullopt;
  }

 private:
  std::map<std::string, std::map<std::string, std::vector<ServiceInstance>>> services_;
  std::map<std::string, std::map<std::string, NodeInfo>> nodes_;
  std::string throwing_;
};

inline ServiceInstance instance(std::string node, std::string node_address, std::string service_address,
                                std::uint16_t port, std::vector<std::string> tags = {}) {
  ServiceInstance s;
  s.node = std::move(node);
  s.node_address = std::move(node_address);
  s.service_address = std::move(service_address);
  s.port = port;
  s.tags = std::move(tags);
  return s;
}

/// The shared catalog:
///  valami: 2 instances on 172.17.0.3 (ports 80 "http", 443 "https") on node1 (127.0.0.1)
///  web:    10.0.0.1-4 healthy on node1-4, 10.0.0.5 critical, 10.0.0.6 in maintenance
///  db:     no service address -> node2's 192.168.0.2, port 5432
///  warn:   one warning instance with Weights {Passing 10, Warning 2}
///  v6:     2001:db8::1 port 8080
///  many:   40 instances 10.1.0.1-40 (size trimming)
///  ext:    two instances whose address is a hostname (CNAME), one also with an IP
///  consul: the server on node1 (NS records)
///  nodes node1..node4 in dc1 (node1 has meta); dc2 has "remote"
inline StubDirectory make_catalog() {
  StubDirectory d;
  d.add("dc1", "valami", instance("node1", "127.0.0.1", "172.17.0.3", 80, {"http"}));
  d.add("dc1", "valami", instance("node1", "127.0.0.1", "172.17.0.3", 443, {"https"}));
  for (int i = 1; i <= 6; ++i) {
    ServiceInstance s = instance("node" + std::to_string(i), "192.168.0." + std::to_string(i),
                                 "10.0.0." + std::to_string(i), 8000);
    s.critical = (i == 5);
    s.maintenance = (i == 6);
    d.add("dc1", "web", s);
  }
  d.add("dc1", "db", instance("node2", "192.168.0.2", "", 5432));
  ServiceInstance warn = instance("node3", "192.168.0.3", "10.0.0.3", 9000);
  warn.warning = true;
  warn.weight_passing = 10;
  warn.weight_warning = 2;
  d.add("dc1", "warn", warn);
  d.add("dc1", "v6", instance("node4", "192.168.0.4", "2001:db8::1", 8080));
  for (int i = 1; i <= 40; ++i) d.add("dc1", "many", instance("node1", "127.0.0.1", "10.1.0." + std::to_string(i), 80));
  d.add_node("dc1", NodeInfo{"node1", "127.0.0.1", {{"rack", "r1"}, {"rfc1035-raw", "v=spf1"}}});
  for (int i = 2; i <= 4; ++i) d.add_node("dc1", NodeInfo{"node" + std::to_string(i), "192.168.0." + std::to_string(i), {}});
  d.add("dc2", "remote", instance("far", "10.9.0.1", "10.9.0.2", 1234));
  d.add("dc1", "ext", instance("node1", "127.0.0.1", "db.example.com", 5432));
  d.add("dc1", "ext", instance("node2", "192.168.0.2", "db2.example.com", 5432));
  d.add("dc1", "mixed", instance("node1", "127.0.0.1", "db.example.com", 5432));
  d.add("dc1", "mixed", instance("node2", "192.168.0.2", "10.2.0.1", 5432));
  d.add("dc1", "consul", instance("node1", "127.0.0.1", "", 8300));
  return d;
}

}  // namespace fakes::dns::testing
