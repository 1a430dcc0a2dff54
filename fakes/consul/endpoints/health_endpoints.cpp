// /v1/health/*: instances with their checks (including the node's serfHealth), check lists.
//
//   GET /v1/health/service/:name ?passing ?tag= ?node-meta=   [{Node, Service, Checks}] (shared_shapes.hpp)
//   GET /v1/health/checks/:service                           check_json (shared_shapes.hpp)
//   GET /v1/health/state/:state (any|passing|warning|critical), /v1/health/node/:node   check_json
#include "fakes/consul/endpoints/api_call.hpp"
#include "fakes/consul/endpoints/shared_shapes.hpp"

namespace fakes::consul {

namespace {

using fakes::http::bhttp::verb;
using nlohmann::json;

json check_list(const std::vector<std::pair<const Node*, const Check*>>& checks,
                std::optional<HealthStatus> only = std::nullopt) {
  json out = json::array();
  for (const auto& [node, check] : checks)
    if (!only || check->status == *only) out.push_back(check_json(*node, *check));
  return out;
}

}  // namespace

bool route_health(ApiCall& call) {
  if (!call.path().starts_with("/v1/health/")) return false;
  if (!call.require_method({verb::get}) || !call.authorize_read()) return true;
  Catalog* catalog = &call.catalog();

  if (auto name = call.rest_after("/v1/health/service/")) {
    if (name->empty()) {
      call.fail(Status::bad_request, "Missing service name");
      return true;
    }
    auto passing = call.bool_param("passing");
    if (!passing) return true;
    auto dc = call.datacenter();
    if (!dc) return true;
    std::vector<std::string> tags;
    auto [first, last] = call.target().query.equal_range("tag");
    for (auto it = first; it != last; ++it) tags.push_back(it->second);
    call.serve_read([catalog, name = *name] { return catalog->service_index(name); },
                    [catalog, dc = *dc, name = *name, tags, only_passing = *passing, meta = call.node_meta_filters()] {
                      json out = json::array();
                      for (const auto& ref : catalog->service_instances(dc, name, tags)) {
                        if (!satisfies_meta_filters(ref.node->meta, meta)) continue;
                        auto checks = catalog->instance_checks(*ref.node, *ref.service);
                        // ?passing drops instances with any non-passing check, node checks included.
                        if (only_passing && worst_status(checks) != HealthStatus::passing) continue;
                        json check_array = json::array();
                        for (const Check* c : checks) check_array.push_back(check_json(*ref.node, *c));
                        out.push_back({{"Node", node_json(*ref.node)},
                                       {"Service", node_service_json(*ref.service)},
                                       {"Checks", check_array}});
                      }
                      return out;
                    });
    return true;
  }
  if (auto name = call.rest_after("/v1/health/checks/")) {
    auto dc = call.datacenter();
    if (!dc) return true;
    call.serve_read([catalog, name = *name] { return catalog->service_index(name); },
                    [catalog, dc = *dc, name = *name] { return check_list(catalog->service_checks(dc, name)); });
    return true;
  }
  if (auto state = call.rest_after("/v1/health/state/")) {
    std::optional<HealthStatus> only;
    if (*state != "any") {
      only = parse_health_status(*state);
      if (!only) {
        call.fail(Status::bad_request, "Invalid check state: " + *state);
        return true;
      }
    }
    auto dc = call.datacenter();
    if (!dc) return true;
    call.serve_read([catalog] { return catalog->index(); },
                    [catalog, dc = *dc, only] { return check_list(catalog->all_checks(dc), only); });
    return true;
  }
  if (auto node_name = call.rest_after("/v1/health/node/")) {
    auto dc = call.datacenter();
    if (!dc) return true;
    call.serve_read([catalog] { return catalog->index(); },
                    [catalog, dc = *dc, name = *node_name] {
                      json out = json::array();
                      if (const Node* node = catalog->find_node(dc, name))
                        for (const auto& [id, c] : node->checks) out.push_back(check_json(*node, c));
                      return out;
                    });
    return true;
  }
  call.fail(Status::not_found, "404 page not found");
  return true;
}

}  // namespace fakes::consul
