#include "fakes/consul/queries/query_decoder.hpp"

#include "fakes/consul/state/catalog.hpp"

namespace fakes::consul {

namespace {

using nlohmann::json;

// encoding/json's match: the exact key first, else a case-insensitive one (no snake_case
// translation, unlike the agent's service definitions). Null counts as absent.
const json* field(const json& object, std::string_view name) {
  const json* folded = nullptr;
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (it.key() == name) return it->is_null() ? nullptr : &*it;
    if (!folded && iequals(it.key(), name)) folded = &*it;
  }
  return folded && !folded->is_null() ? folded : nullptr;
}

// Go's error context names the innermost struct type and the path from the top.
std::string where(std::string_view go_struct, std::string_view path) {
  return std::string(go_struct) + "." + std::string(path);
}

void read_into(const json& object, std::string_view name, std::string& out, std::string_view go_struct,
               std::string_view path) {
  if (const json* v = field(object, name)) out = read_string(*v, where(go_struct, path));
}

void refuse_if_set(const json& object, std::string_view name, std::string_view path) {
  const json* v = field(object, name);
  if (!v) return;
  const bool set = (v->is_boolean() && v->get<bool>()) || (v->is_string() && !v->get<std::string>().empty()) ||
                   (v->is_array() && !v->empty()) || (v->is_object() && !v->empty()) || v->is_number();
  if (set) throw UnmodelledQueryField("fake-consul does not model the prepared query field " + std::string(path));
}

QueryFailover decode_failover(const json& v) {
  const json& o = read_object(v, "ServiceQuery.Service.Failover", "structs.QueryFailoverOptions");
  QueryFailover out;
  constexpr std::string_view kStruct = "QueryFailoverOptions";
  if (const json* n = field(o, "NearestN")) {
    const auto value = read_int(*n, where(kStruct, "Service.Failover.NearestN"));
    out.nearest_n = static_cast<int>(std::clamp<std::int64_t>(value, INT32_MIN, INT32_MAX));
  }
  if (const json* d = field(o, "Datacenters")) out.datacenters = read_string_list(*d, where(kStruct, "Service.Failover.Datacenters"));
  refuse_if_set(o, "Targets", "Service.Failover.Targets");
  return out;
}

ServiceQuery decode_service(const json& v) {
  const json& o = read_object(v, "PreparedQuery.Service", "structs.ServiceQuery");
  constexpr std::string_view kStruct = "ServiceQuery";
  ServiceQuery out;
  read_into(o, "Service", out.service, kStruct, "Service.Service");
  if (const json* f = field(o, "Failover")) out.failover = decode_failover(*f);
  if (const json* b = field(o, "OnlyPassing")) out.only_passing = read_bool(*b, where(kStruct, "Service.OnlyPassing"));
  if (const json* l = field(o, "IgnoreCheckIDs"))
    out.ignore_check_ids = read_string_list(*l, where(kStruct, "Service.IgnoreCheckIDs"));
  read_into(o, "Near", out.near, kStruct, "Service.Near");
  if (const json* l = field(o, "Tags")) out.tags = read_string_list(*l, where(kStruct, "Service.Tags"));
  if (const json* m = field(o, "NodeMeta")) out.node_meta = read_string_map(*m, where(kStruct, "Service.NodeMeta"));
  if (const json* m = field(o, "ServiceMeta"))
    out.service_meta = read_string_map(*m, where(kStruct, "Service.ServiceMeta"));
  refuse_if_set(o, "Connect", "Service.Connect");
  refuse_if_set(o, "Peer", "Service.Peer");
  refuse_if_set(o, "SamenessGroup", "Service.SamenessGroup");
  return out;
}

}  // namespace

PreparedQuery decode_prepared_query(std::string_view body) {
  const json doc = parse_body(body);
  if (!doc.is_object()) {
    const char* kind = doc.is_array() ? "array" : doc.is_string() ? "string" : doc.is_boolean() ? "bool" : "number";
    throw DecodeError(std::string("json: cannot unmarshal ") + kind + " into Go value of type structs.PreparedQuery");
  }
  PreparedQuery q;
  constexpr std::string_view kStruct = "PreparedQuery";
  read_into(doc, "ID", q.id, kStruct, "ID");
  read_into(doc, "Name", q.name, kStruct, "Name");
  read_into(doc, "Session", q.session, kStruct, "Session");
  read_into(doc, "Token", q.token, kStruct, "Token");
  if (const json* t = field(doc, "Template")) {
    const json& o = read_object(*t, "PreparedQuery.Template", "structs.QueryTemplateOptions");
    read_into(o, "Type", q.template_.type, "QueryTemplateOptions", "Template.Type");
    read_into(o, "Regexp", q.template_.regexp, "QueryTemplateOptions", "Template.Regexp");
    if (const json* b = field(o, "RemoveEmptyTags"))
      q.template_.remove_empty_tags = read_bool(*b, "QueryTemplateOptions.Template.RemoveEmptyTags");
  }
  if (const json* s = field(doc, "Service")) q.service = decode_service(*s);
  if (const json* d = field(doc, "DNS")) {
    const json& o = read_object(*d, "PreparedQuery.DNS", "structs.QueryDNSOptions");
    read_into(o, "TTL", q.dns_ttl, "QueryDNSOptions", "DNS.TTL");
  }
  return q;
}

}  // namespace fakes::consul
