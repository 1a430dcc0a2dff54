#include "fakes/consul/acl/acl_response_filter.hpp"

namespace fakes::consul {

namespace {

using nlohmann::json;

std::string text_at(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool can_read(const Authorizer& authz, AclResource r, const std::string& name) {
  return authz.allows(r, name, AccessLevel::read);
}

/// A check is the node's (node:read) or a service's (service:read as well).
bool can_read_check(const Authorizer& authz, const json& check) {
  if (!can_read(authz, AclResource::node, text_at(check, "Node"))) return false;
  const std::string service = text_at(check, "ServiceName");
  return service.empty() || can_read(authz, AclResource::service, service);
}

template <typename Keep>
json keep_array(json body, Keep keep) {
  if (!body.is_array()) return body;
  json out = json::array();
  for (auto& entry : body)
    if (keep(entry)) out.push_back(std::move(entry));
  return out;
}

template <typename Keep>
json keep_object(json body, Keep keep) {
  if (!body.is_object()) return body;
  json out = json::object();
  for (auto& [key, value] : body.items())
    if (keep(key, value)) out[key] = std::move(value);
  return out;
}

}  // namespace

json filter_for_acl(std::string_view path, json body, const Authorizer& authz) {
  if (authz.allows_everything()) return body;
  const auto node_readable = [&](const json& node) { return can_read(authz, AclResource::node, text_at(node, "Node")); };
  // A {Node, Service, Checks} entry, as /v1/health/service and a query's execution answer them.
  const auto service_entry_readable = [&](const json& e) {
    return e.contains("Node") && node_readable(e["Node"]) && e.contains("Service") &&
           can_read(authz, AclResource::service, text_at(e["Service"], "Service"));
  };
  if (path == "/v1/catalog/services")
    return keep_object(std::move(body), [&](const std::string& name, const json&) {
      return can_read(authz, AclResource::service, name);
    });
  if (path.starts_with("/v1/catalog/service/"))
    return keep_array(std::move(body), [&](const json& e) {
      return node_readable(e) && can_read(authz, AclResource::service, text_at(e, "ServiceName"));
    });
  if (path == "/v1/catalog/nodes") return keep_array(std::move(body), node_readable);
  if (path.starts_with("/v1/catalog/node/")) {
    if (!body.is_object() || !body.contains("Node") || !node_readable(body["Node"])) return nullptr;
    body["Services"] = keep_object(std::move(body["Services"]), [&](const std::string&, const json& s) {
      return can_read(authz, AclResource::service, text_at(s, "Service"));
    });
    return body;
  }
  if (path.starts_with("/v1/health/service/")) return keep_array(std::move(body), service_entry_readable);
  if (path.starts_with("/v1/health/"))
    return keep_array(std::move(body), [&](const json& c) { return can_read_check(authz, c); });
  if (path == "/v1/agent/services")
    return keep_object(std::move(body), [&](const std::string&, const json& s) {
      return can_read(authz, AclResource::service, text_at(s, "Service"));
    });
  if (path == "/v1/agent/checks")
    return keep_object(std::move(body), [&](const std::string&, const json& c) { return can_read_check(authz, c); });
  if (path == "/v1/agent/members")
    return keep_array(std::move(body), [&](const json& m) { return can_read(authz, AclResource::node, text_at(m, "Name")); });
  if (path.starts_with("/v1/session/"))
    return keep_array(std::move(body), [&](const json& s) { return can_read(authz, AclResource::session, text_at(s, "Node")); });
  // Prepared queries as Consul's filterPreparedQueries: a named query needs query:read on its
  // name; one without a name is a management token's only. An execution's instances need
  // node:read and service:read, as a health query's do.
  if (path == "/v1/query" || (path.starts_with("/v1/query/") && path.find('/', 10) == std::string_view::npos))
    return keep_array(std::move(body), [&](const json& q) {
      const std::string name = text_at(q, "Name");
      return !name.empty() && can_read(authz, AclResource::query, name);
    });
  if (path.starts_with("/v1/query/") && path.ends_with("/execute")) {
    if (body.is_object() && body.contains("Nodes"))
      body["Nodes"] = keep_array(std::move(body["Nodes"]), service_entry_readable);
    return body;
  }
  if (path == "/v1/event/list")
    return keep_array(std::move(body), [&](const json& e) { return can_read(authz, AclResource::event, text_at(e, "Name")); });
  return body;
}

}  // namespace fakes::consul
