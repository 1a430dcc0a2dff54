#include "fakes/consul/endpoints/shared_shapes.hpp"

#include "fakes/consul/requests/go_duration.hpp"

#include "registrator/encoding/base64.hpp"

namespace fakes::consul {

using nlohmann::json;

json string_map_json(const std::map<std::string, std::string>& m) {
  json out = json::object();
  for (const auto& [k, v] : m) out[k] = v;
  return out;
}

json string_list_json(const std::vector<std::string>& v) {
  json out = json::array();
  for (const auto& s : v) out.push_back(s);
  return out;
}

json weights_json(const Weights& w) { return {{"Passing", w.passing}, {"Warning", w.warning}}; }

json tagged_addresses_json(const std::map<std::string, TaggedAddress>& m) {
  json out = json::object();
  for (const auto& [k, v] : m) out[k] = {{"Address", v.address}, {"Port", v.port}};
  return out;
}

json empty_proxy_json() { return {{"Mode", ""}, {"MeshGateway", json::object()}, {"Expose", json::object()}}; }

json node_json(const Node& node) {
  json meta = string_map_json(node.meta);
  if (!meta.contains("consul-network-segment")) meta["consul-network-segment"] = "";
  return {
      {"ID", node.id},
      {"Node", node.name},
      {"Address", node.address},
      {"Datacenter", node.datacenter},
      {"TaggedAddresses",
       {{"lan", node.address}, {"lan_ipv4", node.address}, {"wan", node.address}, {"wan_ipv4", node.address}}},
      {"Meta", meta},
      {"CreateIndex", node.raft.create_index},
      {"ModifyIndex", node.raft.modify_index},
  };
}

json agent_service_json(const Service& s, const std::string& datacenter) {
  json out = {
      {"ID", s.id},
      {"Service", s.name},
      {"Tags", string_list_json(s.tags)},
      {"Meta", string_map_json(s.meta)},
      {"Port", s.port},
      {"Address", s.address},
      {"Weights", weights_json(s.weights)},
      {"EnableTagOverride", s.enable_tag_override},
      {"Datacenter", datacenter},
  };
  if (!s.kind.empty()) out["Kind"] = s.kind;
  if (!s.tagged_addresses.empty()) out["TaggedAddresses"] = tagged_addresses_json(s.tagged_addresses);
  return out;
}

json node_service_json(const Service& s) {
  json out = {
      {"ID", s.id},
      {"Service", s.name},
      {"Tags", string_list_json(s.tags)},
      {"Address", s.address},
      {"Meta", string_map_json(s.meta)},
      {"Port", s.port},
      {"Weights", weights_json(s.weights)},
      {"EnableTagOverride", s.enable_tag_override},
      {"Proxy", empty_proxy_json()},
      {"Connect", json::object()},
      {"CreateIndex", s.raft.create_index},
      {"ModifyIndex", s.raft.modify_index},
  };
  if (!s.kind.empty()) out["Kind"] = s.kind;
  if (!s.tagged_addresses.empty()) out["TaggedAddresses"] = tagged_addresses_json(s.tagged_addresses);
  return out;
}

json check_json(const Node& node, const Check& c) {
  // As Consul's HealthCheckDefinition.MarshalJSON renders it (agent/structs): Interval, Timeout
  // and DeregisterCriticalServiceAfter as Go duration strings, left out when zero; TTL is not
  // among the fields it rewrites, so it goes out as the time.Duration it is: nanoseconds.
  json definition = json::object();
  if (c.ttl) definition["TTL"] = std::chrono::duration_cast<std::chrono::nanoseconds>(*c.ttl).count();
  if (c.type == "http") {
    definition["HTTP"] = c.target;
    if (!c.http_headers.empty()) definition["Header"] = c.http_headers;
    if (!c.http_method.empty()) definition["Method"] = c.http_method;
    if (!c.http_body.empty()) definition["Body"] = c.http_body;
  }
  if (c.type == "tcp") definition["TCP"] = c.target;
  if (c.type == "grpc") {
    definition["GRPC"] = c.target;
    if (c.grpc_use_tls) definition["GRPCUseTLS"] = true;
  }
  if (c.type == "http" || c.type == "grpc") {
    if (!c.tls_server_name.empty()) definition["TLSServerName"] = c.tls_server_name;
    if (c.tls_skip_verify) definition["TLSSkipVerify"] = true;
  }
  if (c.interval.count() > 0) definition["Interval"] = format_go_duration(c.interval);
  if (c.timeout.count() > 0) definition["Timeout"] = format_go_duration(c.timeout);
  if (c.deregister_critical_after.count() > 0)
    definition["DeregisterCriticalServiceAfter"] = format_go_duration(c.deregister_critical_after);
  return {
      {"Node", node.name},
      {"CheckID", c.id},
      {"Name", c.name},
      {"Status", to_string(c.status)},
      {"Notes", c.notes},
      {"Output", c.output},
      {"ServiceID", c.service_id},
      {"ServiceName", c.service_name},
      {"ServiceTags", string_list_json(c.service_tags)},
      {"Type", c.type},
      {"Interval", c.interval.count() > 0 ? format_go_duration(c.interval) : ""},
      {"Timeout", c.timeout.count() > 0 ? format_go_duration(c.timeout) : ""},
      {"ExposedPort", 0},
      {"Definition", definition},
      {"CreateIndex", c.raft.create_index},
      {"ModifyIndex", c.raft.modify_index},
  };
}

nlohmann::json kv_entry_json(const KvEntry& e, bool with_value) {
  using nlohmann::json;
  json out = {{"LockIndex", e.lock_index},
              {"Key", e.key},
              {"Flags", e.flags},
              {"Value", !with_value || e.value.empty() ? json(nullptr) : json(registrator::base64_encode(e.value))},
              {"CreateIndex", e.create_index},
              {"ModifyIndex", e.modify_index}};
  if (!e.session.empty()) out["Session"] = e.session;
  return out;
}

}  // namespace fakes::consul
