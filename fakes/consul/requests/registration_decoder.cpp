#include "fakes/consul/requests/registration_decoder.hpp"

#include "fakes/consul/requests/go_json_decoding.hpp"

#include <chrono>

namespace fakes::consul {

namespace {

using nlohmann::json;
using std::chrono::duration_cast;
using std::chrono::milliseconds;

// What the body said about one check, before Consul's CheckType.Validate().
struct RawCheck {
  CheckDefinition def;
  std::string status_text;
  std::chrono::nanoseconds ttl{0}, interval{0};
  bool script = false, alias = false, interval_kind = false, empty = true;
};

RawCheck decode_check(const json& object, std::string_view where) {
  read_object(object, where, "structs.CheckType");
  RawCheck raw;
  raw.empty = object.empty();
  const std::string w(where);
  auto str = [&](std::string_view field) {
    const json* v = find_field(object, field);
    return v ? read_string(*v, w + "." + std::string(field)) : std::string{};
  };
  raw.def.id = str("CheckID");
  if (raw.def.id.empty()) raw.def.id = str("ID");
  raw.def.name = str("Name");
  raw.status_text = str("Status");
  raw.def.notes = str("Notes");
  raw.def.http_method = str("Method");
  raw.def.http_body = str("Body");
  raw.def.tls_server_name = str("TLSServerName");
  if (const json* v = find_field(object, "TLSSkipVerify")) raw.def.tls_skip_verify = read_bool(*v, w + ".TLSSkipVerify");
  if (const json* v = find_field(object, "GRPCUseTLS")) raw.def.grpc_use_tls = read_bool(*v, w + ".GRPCUseTLS");
  if (const json* v = find_field(object, "Header")) {
    for (const auto& [name, values] : read_object(*v, w + ".Header", "map[string][]string").items())
      raw.def.http_headers[name] = read_string_list(values, w + ".Header");
  }
  if (const json* v = find_field(object, "TTL")) raw.ttl = read_duration(*v, w + ".TTL");
  if (const json* v = find_field(object, "Interval")) raw.interval = read_duration(*v, w + ".Interval");
  if (const json* v = find_field(object, "Timeout"))
    raw.def.timeout = duration_cast<milliseconds>(read_duration(*v, w + ".Timeout"));
  if (const json* v = find_field(object, "DeregisterCriticalServiceAfter"))
    raw.def.deregister_critical_after = duration_cast<milliseconds>(read_duration(*v, w + ".DeregisterCriticalServiceAfter"));
  std::vector<std::string> args;
  if (const json* v = find_field(object, "Args")) args = read_string_list(*v, w + ".ScriptArgs");
  if (const json* v = find_field(object, "ScriptArgs")) args = read_string_list(*v, w + ".ScriptArgs");
  const std::string docker = str("DockerContainerID");
  raw.script = !args.empty();
  raw.alias = !str("AliasService").empty() || !str("AliasNode").empty();

  // The first kind that is set decides the type, in Consul's CheckType.Type() order.
  struct Kind {
    const char* field;
    const char* type;
  };
  for (const Kind k : {Kind{"HTTP", "http"}, Kind{"TCP", "tcp"}, Kind{"UDP", "udp"}, Kind{"GRPC", "grpc"},
                       Kind{"H2PING", "h2ping"}, Kind{"OSService", "os_service"}}) {
    std::string target = str(k.field);
    if (!target.empty()) {
      raw.interval_kind = true;
      if (raw.def.type.empty()) {
        raw.def.type = k.type;
        raw.def.target = std::move(target);
      }
    }
  }
  if (raw.script) raw.interval_kind = true;
  if (raw.def.type.empty()) {
    if (raw.ttl.count() > 0) raw.def.type = "ttl";
    else if (!docker.empty()) raw.def.type = "docker";
    else if (raw.script) raw.def.type = "script";
    else if (raw.alias) raw.def.type = "alias";
  }
  if (raw.def.type == "script") raw.def.args = std::move(args);
  if (raw.ttl.count() > 0) raw.def.ttl = duration_cast<milliseconds>(raw.ttl);
  raw.def.interval = duration_cast<milliseconds>(raw.interval);
  return raw;
}

// Consul's CheckType.Validate(); "" when valid.
std::string validate_check(const RawCheck& c) {
  if (c.interval.count() > 0 && c.ttl.count() > 0) return "Interval and TTL cannot both be specified";
  if (c.interval_kind && c.interval.count() <= 0)
    return "Interval must be > 0 for Script, HTTP, H2PING, TCP, UDP or GRPC checks";
  if (c.alias) {
    if (c.ttl.count() > 0) return "TTL must be not be set for Alias checks";
    if (c.interval.count() > 0) return "Interval cannot be set for Alias checks";
  }
  if (!c.interval_kind && !c.alias && c.ttl.count() <= 0) return "TTL must be > 0 for TTL checks";
  return {};
}

bool meta_key_chars_ok(const std::string& key) {
  for (char c : key)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return false;
  return true;
}

bool is_any_address(const std::string& a) { return a == "0.0.0.0" || a == "::" || a == "[::]"; }

}  // namespace

std::string validate_service_meta(const std::map<std::string, std::string>& meta) {
  if (meta.size() > 64) return "Node metadata cannot contain more than 64 key/value pairs";
  for (const auto& [key, value] : meta) {
    if (key.empty()) return "Key cannot be blank";
    if (!meta_key_chars_ok(key)) return "Key contains invalid characters";
    if (key.size() > 128) return "Key is too long (limit: 128 characters)";
    if (key.starts_with("consul-")) return "Key prefix 'consul-' is reserved for internal use";
    if (value.size() > 512) return "Value is too long (limit: 512 characters)";
  }
  return {};
}

std::variant<ServiceRegistration, RegistrationError> decode_service_registration(std::string_view body) {
  ServiceRegistration reg;
  Service& s = reg.service;
  std::vector<RawCheck> checks;
  bool weights_given = false;
  std::string proxy_destination;
  try {
    const json doc = parse_body(body);
    if (!doc.is_object())
      throw DecodeError("json: cannot unmarshal " + std::string(doc.is_array() ? "array" : doc.is_string() ? "string" : "number") +
                        " into Go value of type structs.ServiceDefinition");
    const std::string w = "ServiceDefinition";
    auto str = [&](std::string_view field) {
      const json* v = find_field(doc, field);
      return v ? read_string(*v, w + "." + std::string(field)) : std::string{};
    };
    s.id = str("ID");
    s.name = str("Name");
    s.kind = str("Kind");
    s.address = str("Address");
    if (const json* v = find_field(doc, "Tags")) s.tags = read_string_list(*v, w + ".Tags");
    if (const json* v = find_field(doc, "Meta")) s.meta = read_string_map(*v, w + ".Meta");
    if (const json* v = find_field(doc, "Port")) {
      auto port = read_int(*v, w + ".Port");
      if (port < INT32_MIN || port > INT32_MAX) throw DecodeError("json: cannot unmarshal number " + v->dump() +
                                                                 " into Go struct field " + w + ".Port of type int");
      s.port = static_cast<int>(port);
    }
    if (const json* v = find_field(doc, "EnableTagOverride")) s.enable_tag_override = read_bool(*v, w + ".EnableTagOverride");
    if (const json* v = find_field(doc, "Weights")) {
      read_object(*v, w + ".Weights", "structs.Weights");
      weights_given = true;
      s.weights = {0, 0};
      if (const json* p = find_field(*v, "Passing")) s.weights.passing = static_cast<int>(read_int(*p, "Weights.Passing"));
      if (const json* p = find_field(*v, "Warning")) s.weights.warning = static_cast<int>(read_int(*p, "Weights.Warning"));
    }
    if (const json* v = find_field(doc, "TaggedAddresses")) {
      read_object(*v, w + ".TaggedAddresses", "map[string]structs.ServiceAddress");
      for (auto it = v->begin(); it != v->end(); ++it) {
        if (it->is_null()) continue;
        read_object(*it, "ServiceAddress", "structs.ServiceAddress");
        TaggedAddress ta;
        if (const json* a = find_field(*it, "Address")) ta.address = read_string(*a, "ServiceAddress.Address");
        if (const json* p = find_field(*it, "Port")) ta.port = static_cast<int>(read_int(*p, "ServiceAddress.Port"));
        s.tagged_addresses[it.key()] = ta;
      }
    }
    if (const json* v = find_field(doc, "Proxy")) {
      read_object(*v, w + ".Proxy", "structs.ConnectProxyConfig");
      if (const json* d = find_field(*v, "DestinationServiceName"))
        proxy_destination = read_string(*d, "ConnectProxyConfig.DestinationServiceName");
    }
    if (const json* v = find_field(doc, "Check")) checks.push_back(decode_check(*v, w + ".Check"));
    if (const json* v = find_field(doc, "Checks")) {
      if (!v->is_array()) read_object(json::array(), w + ".Checks", "structs.CheckTypes");  // throws
      for (const auto& item : *v)
        if (!item.is_null()) checks.push_back(decode_check(item, w + ".Checks"));
    }
  } catch (const DecodeError& e) {
    return RegistrationError{std::string("Request decode failed: ") + e.what()};
  } catch (const nlohmann::json::exception& e) {
    return RegistrationError{std::string("Request decode failed: ") + e.what()};
  }

  if (s.name.empty()) return RegistrationError{"Missing service name"};
  if (is_any_address(s.address)) return RegistrationError{"Invalid service address"};
  if (weights_given) {
    if (s.weights.passing < 1) return RegistrationError{"Invalid Weights: Passing must be greater than 0"};
    if (s.weights.warning < 0) return RegistrationError{"Invalid Weights: Warning must be greater or equal than 0"};
    if (s.weights.passing > 65535 || s.weights.warning > 65535)
      return RegistrationError{"Invalid Weights: DNS Weight must be between 0 and 65535"};
  }
  if (auto why = validate_service_meta(s.meta); !why.empty()) return RegistrationError{"Invalid Service Meta: " + why};
  if (s.kind == "connect-proxy") {
    if (proxy_destination.empty())
      return RegistrationError{"Validation failed: Proxy.DestinationServiceName must be non-empty for Connect proxy services"};
    if (s.port == 0) return RegistrationError{"Validation failed: Port must be set for a Connect proxy"};
  }
  for (const RawCheck& c : checks) {
    if (c.empty) continue;  // Consul skips a zero-value Check
    if (auto why = validate_check(c); !why.empty()) return RegistrationError{"Invalid check: " + why};
  }
  for (RawCheck& c : checks) {
    if (c.empty) continue;
    if (!c.status_text.empty()) {
      auto status = parse_health_status(c.status_text);
      if (!status) return RegistrationError{"Status for checks must 'passing', 'warning', 'critical'"};
      c.def.status = status;
    }
    reg.checks.push_back(std::move(c.def));
  }
  if (s.id.empty()) s.id = s.name;
  return reg;
}

std::variant<CheckRegistration, RegistrationError> decode_check_registration(std::string_view body) {
  CheckRegistration reg;
  RawCheck raw;
  try {
    const json doc = parse_body(body);
    raw = decode_check(doc, "CheckDefinition");
    if (const json* v = find_field(doc, "ServiceID")) reg.service_id = read_string(*v, "CheckDefinition.ServiceID");
  } catch (const DecodeError& e) {
    return RegistrationError{std::string("Request decode failed: ") + e.what()};
  } catch (const nlohmann::json::exception& e) {
    return RegistrationError{std::string("Request decode failed: ") + e.what()};
  }
  if (raw.def.name.empty()) return RegistrationError{"Missing check name"};
  if (!raw.status_text.empty()) {
    auto status = parse_health_status(raw.status_text);
    if (!status) return RegistrationError{"Bad check status"};
    raw.def.status = status;
  }
  if (auto why = validate_check(raw); !why.empty()) return RegistrationError{"Invalid check: " + why};
  if (raw.def.id.empty()) raw.def.id = raw.def.name;
  reg.check = std::move(raw.def);
  return reg;
}

}  // namespace fakes::consul
