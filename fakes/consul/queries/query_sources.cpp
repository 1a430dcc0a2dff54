#include "fakes/consul/queries/query_sources.hpp"

#include "fakes/consul/endpoints/shared_shapes.hpp"

#include "fakes/common/http/client.hpp"
#include "fakes/common/url.hpp"

namespace fakes::consul {

namespace {

nlohmann::json dns_entry(const Catalog& catalog, const ServiceInstanceRef& ref) {
  nlohmann::json checks = nlohmann::json::array();
  for (const Check* c : catalog.instance_checks(*ref.node, *ref.service))
    checks.push_back({{"CheckID", c->id}, {"Status", std::string(to_string(c->status))}});
  const Service& s = *ref.service;
  return {{"Node", {{"Node", ref.node->name}, {"Address", ref.node->address}, {"Meta", ref.node->meta}}},
          {"Service",
           {{"ID", s.id},
            {"Address", s.address},
            {"Port", s.port},
            {"Tags", s.tags},
            {"Meta", s.meta},
            {"Weights", {{"Passing", s.weights.passing}, {"Warning", s.weights.warning}}}}},
          {"Checks", std::move(checks)}};
}

}  // namespace

nlohmann::json health_entries(const Catalog& catalog, std::string_view dc, std::string_view service,
                              EntryDetail detail) {
  nlohmann::json out = nlohmann::json::array();
  for (const ServiceInstanceRef& ref : catalog.service_instances(dc, service)) {
    if (detail == EntryDetail::for_dns) {
      out.push_back(dns_entry(catalog, ref));
      continue;
    }
    nlohmann::json checks = nlohmann::json::array();
    for (const Check* c : catalog.instance_checks(*ref.node, *ref.service)) checks.push_back(check_json(*ref.node, *c));
    out.push_back({{"Node", node_json(*ref.node)}, {"Service", node_service_json(*ref.service)}, {"Checks", checks}});
  }
  return out;
}

namespace {

std::optional<nlohmann::json> ask_peer(const WanPeer& peer, std::string_view dc, std::string_view service) {
  try {
    const std::string target = "/v1/health/service/" + fakes::http::percent_encode(std::string(service)) +
                               "?dc=" + fakes::http::percent_encode(std::string(dc));
    auto res = fakes::http::fetch(fakes::http::Endpoint::tcp(peer.address, peer.port), boost::beast::http::verb::get,
                                  target, {}, {}, kRemoteTimeout);
    if (res.status != 200) return std::nullopt;
    auto entries = nlohmann::json::parse(res.body, nullptr, /*allow_exceptions=*/false);
    if (!entries.is_array()) return std::nullopt;
    return entries;
  } catch (const std::exception&) {
    return std::nullopt;  // refused, timed out, cut off
  }
}

}  // namespace

InstanceSource make_instance_source(std::function<const Catalog*(std::string_view)> catalog_of,
                                    const std::vector<WanPeer>* peers, EntryDetail detail) {
  return [catalog_of = std::move(catalog_of), peers, detail](
             std::string_view dc, std::string_view service) -> std::optional<nlohmann::json> {
    if (const Catalog* catalog = catalog_of ? catalog_of(dc) : nullptr)
      return health_entries(*catalog, dc, service, detail);
    if (peers)
      for (const WanPeer& peer : *peers)
        if (iequals(peer.datacenter, dc)) return ask_peer(peer, dc, service);
    return std::nullopt;
  };
}

}  // namespace fakes::consul
