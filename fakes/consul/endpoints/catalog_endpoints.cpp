// /v1/catalog/*: the cluster-wide view, blocking-query capable, and the catalog API's writes.
//
//   PUT /v1/catalog/register, /v1/catalog/deregister   body: requests/catalog_registration_decoder.hpp
//   GET /v1/catalog/datacenters                         own first, then by name
//   GET /v1/catalog/services                            name -> tags
//   GET /v1/catalog/service/:name  ?tag= ?node-meta=    catalog_service_json below
//   GET /v1/catalog/nodes          ?node-meta=          node_json (shared_shapes.hpp)
//   GET /v1/catalog/node/:node                          Node + Services (shared_shapes.hpp)
#include "fakes/consul/datacenters/datacenter_routing.hpp"
#include "fakes/consul/endpoints/api_call.hpp"
#include "fakes/consul/endpoints/shared_shapes.hpp"
#include "fakes/consul/requests/catalog_registration_decoder.hpp"

namespace fakes::consul {

namespace {

using fakes::http::bhttp::verb;
using nlohmann::json;

/// /v1/catalog/service/<name> entry (structs.ServiceNode): the node's fields beside the
/// service's, each prefixed "Service".
json catalog_service_json(const Node& node, const Service& s) {
  json n = node_json(node);
  json out = {
      {"ID", node.id},
      {"Node", node.name},
      {"Address", node.address},
      {"Datacenter", node.datacenter},
      {"TaggedAddresses", n["TaggedAddresses"]},
      {"NodeMeta", n["Meta"]},
      {"ServiceKind", s.kind},
      {"ServiceID", s.id},
      {"ServiceName", s.name},
      {"ServiceTags", string_list_json(s.tags)},
      {"ServiceAddress", s.address},
      {"ServiceWeights", weights_json(s.weights)},
      {"ServiceMeta", string_map_json(s.meta)},
      {"ServicePort", s.port},
      {"ServiceEnableTagOverride", s.enable_tag_override},
      {"ServiceProxy", empty_proxy_json()},
      {"ServiceConnect", json::object()},
      {"CreateIndex", s.raft.create_index},
      {"ModifyIndex", s.raft.modify_index},
  };
  if (!s.tagged_addresses.empty()) out["ServiceTaggedAddresses"] = tagged_addresses_json(s.tagged_addresses);
  return out;
}

std::vector<std::string> tag_params(const fakes::http::Target& target) {
  std::vector<std::string> tags;
  auto [first, last] = target.query.equal_range("tag");
  for (auto it = first; it != last; ++it) tags.push_back(it->second);
  return tags;
}

Status status_of(const CatalogRequestError& e) {
  return e.status == 400 ? Status::bad_request : Status::internal_server_error;
}

// PUT /v1/catalog/register: answers `true` like Consul's CatalogRegister.
void catalog_register(ApiCall& call) {
  auto decoded = decode_catalog_registration(call.request().body());
  if (auto* error = std::get_if<CatalogRequestError>(&decoded)) return call.fail(status_of(*error), error->message);
  auto& reg = std::get<CatalogRegistration>(decoded);
  if (std::string dc = call.target().get("dc"); !dc.empty()) reg.datacenter = dc;  // ?dc= wins (parseDC)
  if (!reg.datacenter.empty() && !call.catalog().has_datacenter(reg.datacenter))
    return call.fail(Status::internal_server_error, "No path to datacenter");
  reg.datacenter = call.catalog().local_datacenter();  // the request reached that datacenter's servers
  if (!call.authorize_write("node:write", reg.node)) return;
  if (reg.service && !call.authorize_write("service:write", reg.service->name)) return;
  if (auto error = call.catalog().catalog_register(reg); !error.empty())
    return call.fail(Status::internal_server_error, error);
  call.reply(json_ok(true));
}

// PUT /v1/catalog/deregister: `true`, also for what is already gone.
void catalog_deregister(ApiCall& call) {
  auto decoded = decode_catalog_deregistration(call.request().body());
  if (auto* error = std::get_if<CatalogRequestError>(&decoded)) return call.fail(status_of(*error), error->message);
  auto& dereg = std::get<CatalogDeregistration>(decoded);
  if (std::string dc = call.target().get("dc"); !dc.empty()) dereg.datacenter = dc;  // ?dc= wins (parseDC)
  if (!dereg.datacenter.empty() && !call.catalog().has_datacenter(dereg.datacenter))
    return call.fail(Status::internal_server_error, "No path to datacenter");
  dereg.datacenter = call.catalog().local_datacenter();  // the request reached that datacenter's servers
  if (!call.authorize_write("node:write", dereg.node)) return;
  call.catalog().catalog_deregister(dereg);
  call.reply(json_ok(true));
}

}  // namespace

bool route_catalog(ApiCall& call) {
  if (!call.path().starts_with("/v1/catalog/")) return false;
  auto read = [&] { return call.require_method({verb::get}) && call.authorize_read(); };
  Catalog* catalog = &call.catalog();

  if (call.path() == "/v1/catalog/register") {
    if (call.require_method({verb::put})) catalog_register(call);
    return true;
  }
  if (call.path() == "/v1/catalog/deregister") {
    if (call.require_method({verb::put})) catalog_deregister(call);
    return true;
  }

  if (call.path() == "/v1/catalog/datacenters") {
    if (!read()) return true;
    std::vector<std::string> others = catalog->datacenters();
    if (call.ctx().datacenters) others.insert(others.end(), call.ctx().datacenters->begin(), call.ctx().datacenters->end());
    call.reply(json_ok(datacenters_by_distance(call.config().datacenter, std::move(others))));
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
                    [catalog, dc = *dc, name = *name, tags = tag_params(call.target()),
                     meta = call.node_meta_filters()] {
                      json out = json::array();
                      for (const auto& ref : catalog->service_instances(dc, name, tags))
                        if (satisfies_meta_filters(ref.node->meta, meta))
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
                    [catalog, dc = *dc, meta = call.node_meta_filters()] {
                      json out = json::array();
                      for (const Node* node : catalog->nodes(dc))
                        if (satisfies_meta_filters(node->meta, meta)) out.push_back(node_json(*node));
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
