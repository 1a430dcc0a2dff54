#include "fakes/consul/requests/session_decoder.hpp"

#include "fakes/consul/requests/go_duration.hpp"
#include "fakes/consul/state/catalog.hpp"

#include <cmath>

namespace fakes::consul {

namespace {

using nlohmann::json;

// Consul's lockDelayMinThreshold: a LockDelay under 1000 (ns) is taken as seconds, since
// users send 15 meaning 15s.
constexpr std::int64_t kLockDelayMinThreshold = 1000;

// encoding/json's field match: exact first, else ASCII case-insensitive; unlike the agent
// registration decoder, no snake_case translation (lock_delay is not LockDelay here).
const json* session_field(const json& object, std::string_view field) {
  const json* folded = nullptr;
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (it.key() == field) return &*it;
    if (!folded && iequals(it.key(), field)) folded = &*it;
  }
  return folded;
}

std::chrono::nanoseconds read_lock_delay(const json& v) {
  std::chrono::nanoseconds d{0};
  if (v.is_string()) {
    const std::string text = v.get<std::string>();
    auto parsed = parse_go_duration(text);
    if (!parsed) throw DecodeError(go_duration_error(text));
    d = *parsed;
  } else if (v.is_number()) {
    d = std::chrono::nanoseconds(static_cast<std::int64_t>(std::trunc(v.get<double>())));
  }
  // Any other JSON type leaves the duration at zero, as Consul's type switch does.
  if (d.count() < kLockDelayMinThreshold) d *= 1'000'000'000;
  return d;
}

std::vector<std::string> service_check_ids(const json& v) {
  if (!v.is_array()) throw DecodeError("json: cannot unmarshal " + std::string(v.is_object() ? "object" : "value") +
                                       " into Go struct field Session.ServiceChecks of type []structs.ServiceCheck");
  std::vector<std::string> out;
  for (const json& item : v) {
    const json& object = read_object(item, "Session.ServiceChecks", "structs.ServiceCheck");
    const json* id = session_field(object, "ID");
    out.push_back(id && !id->is_null() ? read_string(*id, "Session.ServiceChecks.ID") : "");
  }
  return out;
}

std::optional<std::vector<std::string>> string_list_or_null(const json& v, std::string_view where) {
  if (v.is_null()) return std::nullopt;
  return read_string_list(v, where);
}

}  // namespace

SessionCreateRequest decode_session_create(std::string_view body, const std::string& agent_node) {
  SessionCreateRequest out;
  Session& s = out.session;
  // SessionCreate's defaults: the agent's node, its serfHealth check, 15 s lock-delay, release.
  s.node = agent_node;
  s.node_checks = std::vector<std::string>{kSerfCheckId};
  std::optional<std::vector<std::string>> checks = std::vector<std::string>{kSerfCheckId};
  if (!body.empty()) {
    const json doc = parse_body(body);
    if (!doc.is_object())
      throw DecodeError("json: cannot unmarshal " + std::string(doc.is_array() ? "array" : "value") +
                        " into Go value of type structs.Session");
    if (const json* v = session_field(doc, "Name"); v && !v->is_null()) s.name = read_string(*v, "Session.Name");
    if (const json* v = session_field(doc, "Node"); v && !v->is_null()) s.node = read_string(*v, "Session.Node");
    if (const json* v = session_field(doc, "Behavior"); v && !v->is_null()) out.behavior = read_string(*v, "Session.Behavior");
    if (const json* v = session_field(doc, "TTL"); v && !v->is_null()) s.ttl = read_string(*v, "Session.TTL");
    if (const json* v = session_field(doc, "LockDelay"); v && !v->is_null()) s.lock_delay = read_lock_delay(*v);
    if (const json* v = session_field(doc, "NodeChecks")) s.node_checks = string_list_or_null(*v, "Session.NodeChecks");
    if (const json* v = session_field(doc, "ServiceChecks"))
      s.service_checks = v->is_null() ? std::nullopt : std::optional(service_check_ids(*v));
    if (const json* v = session_field(doc, "Checks")) checks = string_list_or_null(*v, "Session.Checks");
  }
  // fixupEmptySessionChecks: an empty (or null) Checks empties NodeChecks; the default Checks
  // defers to NodeChecks; other Checks stay unless NodeChecks was emptied.
  if (!checks || checks->empty()) {
    s.node_checks = std::vector<std::string>{};
  } else if (checks->size() == 1 && (*checks)[0] == kSerfCheckId) {
    checks.reset();
  } else if (!s.node_checks || s.node_checks->empty()) {
    checks.reset();
  }
  s.checks = checks ? *checks : std::vector<std::string>{};
  return out;
}

}  // namespace fakes::consul
