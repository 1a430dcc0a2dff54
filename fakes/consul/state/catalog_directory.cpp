#include "fakes/consul/state/catalog_directory.hpp"

#include "fakes/consul/datacenters/datacenter_routing.hpp"
#include "fakes/consul/queries/query_executor.hpp"
#include "fakes/consul/queries/query_sources.hpp"
#include "fakes/consul/requests/go_duration.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <random>

namespace fakes::consul {

namespace {

fakes::dns::ServiceInstance dns_instance(const Catalog& catalog, const ServiceInstanceRef& ref) {
  const HealthStatus worst = worst_status(catalog.instance_checks(*ref.node, *ref.service));
  fakes::dns::ServiceInstance inst;
  inst.node = ref.node->name;
  inst.node_address = ref.node->address;
  inst.service_address = ref.service->address;
  inst.port = static_cast<std::uint16_t>(ref.service->port);
  inst.tags = ref.service->tags;
  inst.critical = worst == HealthStatus::critical;
  inst.warning = worst == HealthStatus::warning;
  inst.maintenance = ref.node->checks.count("_service_maintenance:" + ref.service->id) != 0 ||
                     ref.node->checks.count("_node_maintenance") != 0;
  inst.weight_passing = ref.service->weights.passing;
  inst.weight_warning = ref.service->weights.warning;
  return inst;
}

}  // namespace

std::vector<fakes::dns::ServiceInstance> CatalogDirectory::service_instances(std::string_view datacenter,
                                                                             std::string_view service) const {
  std::vector<fakes::dns::ServiceInstance> out;
  const Catalog* catalog = resolve_(datacenter);
  if (!catalog) return out;
  const Catalog& catalog_ = *catalog;
  for (const auto& ref : catalog_.service_instances(datacenter, service)) out.push_back(dns_instance(catalog_, ref));
  // Every real datacenter has Consul servers, registered as the "consul" service on port 8300;
  // DNS needs them for NS records and `consul.service.consul`. The fake's nodes stand in for
  // the servers when nobody registered that service (the HTTP catalog does not list it).
  if (out.empty() && service == "consul") {
    for (const Node* n : catalog_.nodes(datacenter)) {
      fakes::dns::ServiceInstance server;
      server.node = n->name;
      server.node_address = n->address;
      server.port = 8300;
      out.push_back(std::move(server));
    }
  }
  return out;
}

std::optional<fakes::dns::NodeInfo> CatalogDirectory::node(std::string_view datacenter, std::string_view name) const {
  const Catalog* catalog = resolve_(datacenter);
  if (!catalog) return std::nullopt;
  const Node* n = catalog->find_node(datacenter, name);
  if (!n) return std::nullopt;
  return fakes::dns::NodeInfo{n->name, n->address, n->meta};
}

namespace {

// Addresses are compared parsed, so "2001:db8::1" matches "2001:0db8:0:0::1"; a catalog
// address that is not an IP (a hostname) never matches.
bool same_address(const std::string& catalog_value, const boost::asio::ip::address& wanted) {
  boost::system::error_code ec;
  auto parsed = boost::asio::ip::make_address(catalog_value, ec);
  return !ec && parsed == wanted;
}

std::optional<boost::asio::ip::address> parse_address(std::string_view text) {
  boost::system::error_code ec;
  auto parsed = boost::asio::ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  return parsed;
}

}  // namespace

std::optional<std::string> CatalogDirectory::node_with_address(std::string_view datacenter,
                                                               std::string_view address) const {
  auto wanted = parse_address(address);
  const Catalog* catalog = resolve_(datacenter);
  if (!wanted || !catalog) return std::nullopt;
  for (const Node* n : catalog->nodes(datacenter))
    if (same_address(n->address, *wanted)) return n->name;
  return std::nullopt;
}

std::optional<std::string> CatalogDirectory::service_with_address(std::string_view datacenter,
                                                                  std::string_view address) const {
  auto wanted = parse_address(address);
  const Catalog* catalog = resolve_(datacenter);
  if (!wanted || !catalog) return std::nullopt;
  for (const Node* n : catalog->nodes(datacenter))
    for (const auto& [id, service] : n->services)
      if (same_address(service.address, *wanted)) return service.name;
  return std::nullopt;
}

bool CatalogDirectory::has_datacenter(std::string_view datacenter) const {
  return resolve_(datacenter) != nullptr;
}

InstanceSource CatalogDirectory::instance_source(EntryDetail detail) const {
  return make_instance_source([this](std::string_view dc) { return resolve_(dc); }, peers_, detail);
}

namespace {

// A /v1/health/service entry (from this process or a --wan peer) as DNS sees an instance.
// Prepared queries have dropped the critical ones already.
const nlohmann::json& member(const nlohmann::json& object, const char* key) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  if (!object.is_object()) return kEmpty;
  auto it = object.find(key);
  return it == object.end() || it->is_null() ? kEmpty : *it;
}

// Scalars of a peer's answer, read without trusting their types.
std::string text_of(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}
std::int64_t number_of(const nlohmann::json& object, const char* key, std::int64_t fallback) {
  auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<std::int64_t>() : fallback;
}

fakes::dns::ServiceInstance dns_instance_of(const nlohmann::json& entry) {
  const nlohmann::json& node = member(entry, "Node");
  const nlohmann::json& service = member(entry, "Service");
  const nlohmann::json& weights = member(service, "Weights");
  fakes::dns::ServiceInstance inst;
  inst.node = text_of(node, "Node");
  inst.node_address = text_of(node, "Address");
  inst.service_address = text_of(service, "Address");
  inst.port = static_cast<std::uint16_t>(std::clamp<std::int64_t>(number_of(service, "Port", 0), 0, 65535));
  const nlohmann::json& tags = member(service, "Tags");
  if (tags.is_array())
    for (const auto& tag : tags)
      if (tag.is_string()) inst.tags.push_back(tag.get<std::string>());
  const nlohmann::json& checks = member(entry, "Checks");
  for (const auto& check : checks.is_array() ? checks : nlohmann::json::array()) {
    const std::string status = check.is_object() ? text_of(check, "Status") : "";
    inst.critical = inst.critical || status == "critical";
    inst.warning = inst.warning || status == "warning";
  }
  inst.warning = inst.warning && !inst.critical;
  inst.weight_passing = static_cast<int>(std::clamp<std::int64_t>(number_of(weights, "Passing", 1), 0, 65535));
  inst.weight_warning = static_cast<int>(std::clamp<std::int64_t>(number_of(weights, "Warning", 1), 0, 65535));
  return inst;
}

}  // namespace

std::optional<fakes::dns::QueryAnswer> CatalogDirectory::execute_query(std::string_view datacenter,
                                                                       std::string_view name) const {
  const Catalog* catalog = resolve_(datacenter);
  if (!catalog) return std::nullopt;
  auto resolved = catalog->queries().resolve(std::string(name));
  const PreparedQuery* query = std::get_if<PreparedQuery>(&resolved);
  if (!query) return std::nullopt;  // not found, or a template that does not render: NXDOMAIN

  const std::string own = catalog->local_datacenter();
  std::vector<std::string> others = datacenters_by_distance(own, names_ ? *names_ : std::vector<std::string>{});
  others.erase(others.begin());
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  QueryExecution where{own, "", "", 0, instance_source(EntryDetail::for_dns), std::move(others)};
  const QueryResult result = fakes::consul::execute_query(*query, where, rng);

  fakes::dns::QueryAnswer answer;
  answer.datacenter = result.datacenter;
  answer.service = result.service;
  for (const auto& entry : result.nodes) answer.instances.push_back(dns_instance_of(entry));
  if (!result.dns_ttl.empty()) {
    if (const auto ttl = parse_go_duration(result.dns_ttl))
      answer.ttl = static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::seconds>(*ttl).count());
  }
  return answer;
}

}  // namespace fakes::consul
