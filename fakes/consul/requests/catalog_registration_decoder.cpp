#include "fakes/consul/requests/catalog_registration_decoder.hpp"

#include "fakes/consul/requests/go_json_decoding.hpp"

namespace fakes::consul {

namespace {

using nlohmann::json;
using std::chrono::duration_cast;
using std::chrono::milliseconds;

std::string str_field(const json& object, std::string_view field, const std::string& where) {
  const json* v = find_field(object, field);
  return v ? read_string(*v, where + "." + std::string(field)) : std::string{};
}

bool is_unspecified_service_address(const std::string& a) { return a == "0.0.0.0" || a == "::" || a == "[::]"; }

// structs.NodeService: the name is "Service", not "Name" as in the agent's ServiceDefinition.
Service decode_node_service(const json& object) {
  const std::string w = "NodeService";
  read_object(object, "RegisterRequest.Service", "structs.NodeService");
  Service s;
  s.id = str_field(object, "ID", w);
  s.name = str_field(object, "Service", w);
  s.kind = str_field(object, "Kind", w);
  s.address = str_field(object, "Address", w);
  if (const json* v = find_field(object, "Tags")) s.tags = read_string_list(*v, w + ".Tags");
  if (const json* v = find_field(object, "Meta")) s.meta = read_string_map(*v, w + ".Meta");
  if (const json* v = find_field(object, "Port")) s.port = static_cast<int>(read_int(*v, w + ".Port"));
  if (const json* v = find_field(object, "EnableTagOverride")) s.enable_tag_override = read_bool(*v, w + ".EnableTagOverride");
  if (const json* v = find_field(object, "Weights")) {
    read_object(*v, w + ".Weights", "structs.Weights");
    if (const json* p = find_field(*v, "Passing")) s.weights.passing = static_cast<int>(read_int(*p, "Weights.Passing"));
    if (const json* p = find_field(*v, "Warning")) s.weights.warning = static_cast<int>(read_int(*p, "Weights.Warning"));
  }
  return s;
}

// structs.HealthCheck with its Definition (structs.HealthCheckDefinition).
Check decode_health_check(const json& object, const std::string& where) {
  read_object(object, where, "structs.HealthCheck");
  const std::string w = "HealthCheck";
  Check c;
  c.id = str_field(object, "CheckID", w);
  c.name = str_field(object, "Name", w);
  c.notes = str_field(object, "Notes", w);
  c.output = str_field(object, "Output", w);
  c.service_id = str_field(object, "ServiceID", w);
  c.type = str_field(object, "Type", w);
  const std::string status = str_field(object, "Status", w);
  if (!status.empty()) {
    auto parsed = parse_health_status(status);
    if (!parsed) throw DecodeError("invalid check status \"" + status + "\"");
    c.status = *parsed;
  }  // else Consul's state store defaults it to critical
  if (const json* d = find_field(object, "Definition")) {
    const std::string dw = "HealthCheckDefinition";
    read_object(*d, w + ".Definition", "structs.HealthCheckDefinition");
    for (const char* kind : {"HTTP", "TCP", "GRPC"}) {
      std::string target = str_field(*d, kind, dw);
      if (target.empty() || !c.target.empty()) continue;
      c.target = std::move(target);
      if (c.type.empty()) c.type = kind == std::string("HTTP") ? "http" : kind == std::string("TCP") ? "tcp" : "grpc";
    }
    c.tls_server_name = str_field(*d, "TLSServerName", dw);
    if (const json* v = find_field(*d, "TLSSkipVerify")) c.tls_skip_verify = read_bool(*v, dw + ".TLSSkipVerify");
    if (const json* v = find_field(*d, "GRPCUseTLS")) c.grpc_use_tls = read_bool(*v, dw + ".GRPCUseTLS");
    if (const json* v = find_field(*d, "Interval")) c.interval = duration_cast<milliseconds>(read_duration(*v, dw + ".Interval"));
    if (const json* v = find_field(*d, "Timeout")) c.timeout = duration_cast<milliseconds>(read_duration(*v, dw + ".Timeout"));
    if (const json* v = find_field(*d, "TTL")) {
      c.ttl = duration_cast<milliseconds>(read_duration(*v, dw + ".TTL"));
      if (c.type.empty()) c.type = "ttl";
    }
    if (const json* v = find_field(*d, "DeregisterCriticalServiceAfter"))
      c.deregister_critical_after = duration_cast<milliseconds>(read_duration(*v, dw + ".DeregisterCriticalServiceAfter"));
  }
  if (c.id.empty()) c.id = c.name;  // checkPreApply
  return c;
}

// encoding/json's error for a body that is not an object at all.
void require_object_body(const json& doc, std::string_view go_type) {
  if (doc.is_object()) return;
  const char* kind = doc.is_array() ? "array" : doc.is_string() ? "string" : doc.is_boolean() ? "bool" : "number";
  throw DecodeError(std::string("json: cannot unmarshal ") + kind + " into Go value of type " + std::string(go_type));
}

template <class T>
std::variant<T, CatalogRequestError> decode_failed(const std::exception& e) {
  return CatalogRequestError{400, std::string("Request decode failed: ") + e.what()};
}

}  // namespace

std::variant<CatalogRegistration, CatalogRequestError> decode_catalog_registration(std::string_view body) {
  CatalogRegistration reg;
  try {
    const json doc = parse_body(body);
    require_object_body(doc, "structs.RegisterRequest");
    const std::string w = "RegisterRequest";
    reg.datacenter = str_field(doc, "Datacenter", w);
    reg.node = str_field(doc, "Node", w);
    reg.address = str_field(doc, "Address", w);
    if (const json* v = find_field(doc, "NodeMeta")) reg.node_meta = read_string_map(*v, w + ".NodeMeta");
    if (const json* v = find_field(doc, "SkipNodeUpdate")) reg.skip_node_update = read_bool(*v, w + ".SkipNodeUpdate");
    if (const json* v = find_field(doc, "Service")) reg.service = decode_node_service(*v);
    if (const json* v = find_field(doc, "Check")) reg.checks.push_back(decode_health_check(*v, w + ".Check"));
    if (const json* v = find_field(doc, "Checks")) {
      if (!v->is_array()) read_object(json::array(), w + ".Checks", "structs.HealthChecks");  // throws
      for (const auto& item : *v)
        if (!item.is_null()) reg.checks.push_back(decode_health_check(item, w + ".Checks"));
    }
  } catch (const DecodeError& e) {
    return decode_failed<CatalogRegistration>(e);
  } catch (const nlohmann::json::exception& e) {
    return decode_failed<CatalogRegistration>(e);
  }
  if (reg.node.empty()) return CatalogRequestError{500, "Must provide node"};
  if (reg.address.empty() && !reg.skip_node_update)
    return CatalogRequestError{500, "Must provide address if SkipNodeUpdate is not set"};
  if (reg.service) {
    Service& s = *reg.service;
    if (s.id.empty() && !s.name.empty()) s.id = s.name;
    if (!s.id.empty() && s.name.empty())
      return CatalogRequestError{500, "Must provide service name (Service.Service) when service ID is provided"};
    if (is_unspecified_service_address(s.address)) return CatalogRequestError{500, "Invalid service address"};
    if (s.id.empty()) reg.service.reset();  // an empty Service object registers nothing
  }
  return reg;
}

std::variant<CatalogDeregistration, CatalogRequestError> decode_catalog_deregistration(std::string_view body) {
  CatalogDeregistration dereg;
  try {
    const json doc = parse_body(body);
    require_object_body(doc, "structs.DeregisterRequest");
    const std::string w = "DeregisterRequest";
    dereg.datacenter = str_field(doc, "Datacenter", w);
    dereg.node = str_field(doc, "Node", w);
    dereg.service_id = str_field(doc, "ServiceID", w);
    dereg.check_id = str_field(doc, "CheckID", w);
  } catch (const DecodeError& e) {
    return decode_failed<CatalogDeregistration>(e);
  } catch (const nlohmann::json::exception& e) {
    return decode_failed<CatalogDeregistration>(e);
  }
  if (dereg.node.empty()) return CatalogRequestError{500, "Must provide node"};
  return dereg;
}

}  // namespace fakes::consul
