#include "fakes/consul/acl/acl_request_decoder.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

namespace fakes::consul {

namespace {

using nlohmann::json;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

/// Reads `doc` field by field: `take(lowercase name, value)` returns an error or "".
template <typename Take>
std::string each_field(const json& doc, Take take) {
  for (const auto& [name, value] : doc.items())
    if (std::string error = take(lower(name), name, value); !error.empty()) return error;
  return "";
}

std::string want_string(const json& v, const std::string& field, std::string& out) {
  if (v.is_null()) return "";
  if (!v.is_string()) return "json: cannot unmarshal " + std::string(v.type_name()) + " into Go struct field ." + field + " of type string";
  out = v.get<std::string>();
  return "";
}

/// Fields of the real structs that the fake does not model: accepted only when empty.
bool empty_value(const json& v) {
  return v.is_null() || (v.is_array() && v.empty()) || (v.is_object() && v.empty()) || (v.is_string() && v.get<std::string>().empty());
}

std::string not_modelled(const std::string& name) { return "fake-consul does not model the token field " + name; }

}  // namespace

std::variant<AclPolicyRequest, std::string> decode_acl_policy(std::string_view body) {
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded()) return std::string("invalid character in JSON body");
  if (!doc.is_object()) return std::string("json: cannot unmarshal " + std::string(doc.type_name()) + " into Go value of type structs.ACLPolicy");
  AclPolicyRequest out;
  std::string error = each_field(doc, [&](const std::string& key, const std::string& name, const json& v) -> std::string {
    if (key == "id") return want_string(v, name, out.id);
    if (key == "name") return want_string(v, name, out.name);
    if (key == "description") return want_string(v, name, out.description);
    if (key == "rules") return want_string(v, name, out.rules);
    if (key == "datacenters") {
      if (v.is_null()) return "";
      if (!v.is_array()) return "json: cannot unmarshal " + std::string(v.type_name()) + " into Go struct field .Datacenters of type []string";
      for (const json& dc : v) {
        if (!dc.is_string()) return "json: cannot unmarshal " + std::string(dc.type_name()) + " into Go struct field .Datacenters of type string";
        out.datacenters.push_back(dc.get<std::string>());
      }
      return "";
    }
    if (key == "hash" || key == "createindex" || key == "modifyindex") return "";  // read-only, as Consul ignores them
    return "unknown field " + json(name).dump();
  });
  if (!error.empty()) return error;
  return out;
}

std::variant<AclTokenRequest, std::string> decode_acl_token(std::string_view body) {
  json doc = json::parse(body.empty() ? std::string_view("{}") : body, nullptr, false);
  if (doc.is_discarded()) return std::string("invalid character in JSON body");
  if (!doc.is_object()) return std::string("json: cannot unmarshal " + std::string(doc.type_name()) + " into Go value of type structs.ACLToken");
  AclTokenRequest out;
  std::string error = each_field(doc, [&](const std::string& key, const std::string& name, const json& v) -> std::string {
    if (key == "accessorid") return want_string(v, name, out.accessor);
    if (key == "secretid") return want_string(v, name, out.secret);
    if (key == "description") return want_string(v, name, out.description);
    if (key == "local") {
      if (!v.is_boolean()) return "json: cannot unmarshal " + std::string(v.type_name()) + " into Go struct field .Local of type bool";
      out.local = v.get<bool>();
      return "";
    }
    if (key == "policies") {
      if (v.is_null()) return "";
      if (!v.is_array()) return "json: cannot unmarshal " + std::string(v.type_name()) + " into Go struct field .Policies of type []structs.ACLTokenPolicyLink";
      for (const json& link : v) {
        if (!link.is_object()) return "json: cannot unmarshal " + std::string(link.type_name()) + " into Go struct field .Policies of type structs.ACLTokenPolicyLink";
        AclPolicyLink l;
        std::string e = each_field(link, [&](const std::string& k, const std::string& n, const json& lv) -> std::string {
          if (k == "id") return want_string(lv, n, l.id);
          if (k == "name") return want_string(lv, n, l.name);
          return "unknown field " + json(n).dump() + " in a policy link";
        });
        if (!e.empty()) return e;
        if (l.id.empty() && l.name.empty()) return "a policy link needs an ID or a Name";
        out.policies.push_back(std::move(l));
      }
      return "";
    }
    if (key == "roles" || key == "serviceidentities" || key == "nodeidentities" || key == "templatedpolicies" ||
        key == "expirationtime" || key == "expirationttl" || key == "authmethod" || key == "rules" || key == "type")
      return empty_value(v) ? "" : not_modelled(name);
    if (key == "hash" || key == "createindex" || key == "modifyindex" || key == "createtime") return "";
    return "unknown field " + json(name).dump();
  });
  if (!error.empty()) return error;
  return out;
}

}  // namespace fakes::consul
