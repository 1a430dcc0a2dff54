// /v1/catalog/*: the cluster-wide view, blocking-query capable.
#include "api_call.hpp"
#include "json_views.hpp"

namespace fakes::consul {

namespace {

using fakes::http::bhttp::verb;
using nlohmann::json;

std::vector<std::string> tag_params(const fakes::http::Target& target) {
  std::vector<std::string> tags;
  auto [first, last] = target.query.equal_range("tag");
  for (auto it = first; it != last; ++it) tags.push_back(it->second);
  return tags;
}

}  // namespace

bool route_catalog(ApiCall& call) {
  if (!call.path().starts_with("/v1/catalog/")) return false;
  auto read = [&] { return call.require_method({verb::get}) && call.authorize_read(); };
  Catalog* catalog = &call.catalog();

  if (call.path() == "/v1/catalog/datacenters") {
    if (!read()) return true;
    json out = json::array();
    for (const auto& dc : catalog->datacenters()) out.push_back(dc);
    call.reply(json_ok(out));
    return true;
  }
  if (call.path() == "/v1/catalog/services") {
    if (!read()) return true;
    auto dc = call.datacenter();
    if (!dc) return true;
    call.serve_read([catalog] { return catalog->index(); },
                    [catalog, dc = *dc] {
                      json out = json::object();
                      for (const auto& [name, tags] : catalog->service_tags(dc)) out[name] = tags;
                      return out;
                    });
    return true;
  }
  if (auto name = call.rest_after("/v1/catalog/service/")) {
    if (!read()) return true;
    if (name->empty()) {
      call.fail(Status::bad_request, "Missing service name");
      return true;
    }
    auto dc = call.datacenter();
    if (!dc) return true;
    call.serve_read([catalog, name = *name] { return catalog->service_index(name); },
                    [catalog, dc = *dc, name = *name, tags = tag_params(call.target())] {
                      json out = json::array();
                      for (const auto& ref : catalog->service_instances(dc, name, tags))
                        out.push_back(catalog_service_json(*ref.node, *ref.service));
                      return out;
                    });
    return true;
  }
  if (call.path() == "/v1/catalog/nodes") {
    if (!read()) return true;
    auto dc = call.datacenter();
    if (!dc) return true;
    call.serve_read([catalog] { return catalog->index(); },
                    [catalog, dc = *dc] {
                      json out = json::array();
                      for (const Node* node : catalog->nodes(dc)) out.push_back(node_json(*node));
                      return out;
                    });
    return true;
  }
  if (auto node_name = call.rest_after("/v1/catalog/node/")) {
    if (!read()) return true;
    if (node_name->empty()) {
      call.fail(Status::bad_request, "Missing node name");
      return true;
    }
    auto dc = call.datacenter();
    if (!dc) return true;
    call.serve_read([catalog] { return catalog->index(); },
                    [catalog, dc = *dc, name = *node_name]() -> json {
                      const Node* node = catalog->find_node(dc, name);
                      if (!node) return nullptr;  // Consul answers 200 null for an unknown node
                      json services = json::object();
                      for (const auto& [id, s] : node->services) services[id] = node_service_json(s);
                      return {{"Node", node_json(*node)}, {"Services", services}};
                    });
    return true;
  }
  return false;
}

}  // namespace fakes::consul
