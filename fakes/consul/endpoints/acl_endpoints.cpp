// /v1/acl/*: the ACL system's API (Consul's agent/acl_endpoint.go), answering from the
// process's AclStore (acl/acl_store.hpp). With ACLs off every route answers 401
// "ACL support disabled", as Consul's checkACLDisabled does.
//
//   PUT    /v1/acl/bootstrap                       the first management token, once
//   GET    /v1/acl/policies                        stubs (no Rules)            acl:read
//   PUT    /v1/acl/policy                          create                      acl:write
//   GET    /v1/acl/policy/name/:name               read by name                acl:read
//   GET|PUT|DELETE /v1/acl/policy/:id              read, update, delete
//   GET    /v1/acl/tokens ?policy=                 stubs                       acl:read
//   PUT    /v1/acl/token                           create                      acl:write
//   GET    /v1/acl/token/self                      the request's own token
//   GET|PUT|DELETE /v1/acl/token/:accessor         read, update, delete
//   PUT    /v1/acl/token/:accessor/clone           a copy with new IDs         acl:write
#include "fakes/consul/acl/acl_request_decoder.hpp"
#include "fakes/consul/endpoints/api_call.hpp"

#include <cstdio>

namespace fakes::consul {

namespace {

using fakes::http::bhttp::verb;
using nlohmann::json;

/// A stable digest of what a policy or token says, shown as Consul shows its Hash.
std::string acl_hash(const std::string& content) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : content) h = (h ^ c) * 1099511628211ULL;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

json policy_json(const AclPolicy& p, bool with_rules) {
  json out = {{"ID", p.id}, {"Name", p.name}, {"Description", p.description}};
  if (with_rules) out["Rules"] = p.rules;
  if (!p.datacenters.empty()) out["Datacenters"] = p.datacenters;
  out["Hash"] = acl_hash(p.name + "\n" + p.description + "\n" + p.rules);
  out["CreateIndex"] = p.create_index;
  out["ModifyIndex"] = p.modify_index;
  return out;
}

/// `show_secret`: Consul shows SecretID to acl:write only ("<hidden>" otherwise).
json token_json(const AclStore& store, const AclToken& t, bool show_secret) {
  json out = {{"AccessorID", t.accessor}, {"SecretID", show_secret ? t.secret : "<hidden>"}, {"Description", t.description}};
  json links = json::array();
  for (const std::string& id : t.policy_ids)
    if (const AclPolicy* p = store.find_policy(id)) links.push_back({{"ID", p->id}, {"Name", p->name}});
  if (!links.empty()) out["Policies"] = links;
  out["Local"] = t.local;
  out["CreateTime"] = t.create_time;
  std::string digest = t.description;
  for (const auto& id : t.policy_ids) digest += "\n" + id;
  out["Hash"] = acl_hash(digest);
  out["CreateIndex"] = t.create_index;
  out["ModifyIndex"] = t.modify_index;
  return out;
}

class AclApi {
 public:
  AclApi(ApiCall& call, AclStore& store) : call_(call), store_(store) {}

  void route() {
    const std::string& path = call_.path();
    if (path == "/v1/acl/bootstrap") {
      if (call_.require_method({verb::put})) answer(store_.bootstrap(), [&](const AclToken& t) {
        json out = token_json(store_, t, true);
        out["ID"] = t.secret;  // aclBootstrapResponse embeds the token beside its legacy ID
        return out;
      });
    } else if (path == "/v1/acl/policies") {
      if (call_.require_method({verb::get}) && allowed(AccessLevel::read)) {
        json out = json::array();
        for (const AclPolicy* p : store_.policies()) out.push_back(policy_json(*p, false));
        read_answer(out);
      }
    } else if (path == "/v1/acl/policy") {
      if (call_.require_method({verb::put}) && allowed(AccessLevel::write)) write_policy("", true);
    } else if (auto name = call_.rest_after("/v1/acl/policy/name/")) {
      if (!call_.require_method({verb::get})) return;
      if (name->empty()) return call_.fail(Status::bad_request, "Missing policy Name");
      if (allowed(AccessLevel::read)) read_policy(store_.find_policy_by_name(*name));
    } else if (auto id = call_.rest_after("/v1/acl/policy/")) {
      policy_crud(*id);
    } else if (path == "/v1/acl/tokens") {
      if (call_.require_method({verb::get}) && allowed(AccessLevel::read)) list_tokens();
    } else if (path == "/v1/acl/token") {
      if (call_.require_method({verb::put}) && allowed(AccessLevel::write)) write_token("", true);
    } else if (path == "/v1/acl/token/self") {
      if (call_.require_method({verb::get})) token_self();
    } else if (auto accessor = call_.rest_after("/v1/acl/token/")) {
      token_crud(*accessor);
    } else {
      // Roles, auth methods, binding rules, replication, login and rule translation exist in
      // Consul; the fake refuses them rather than pretend.
      call_.fail(Status::not_implemented, "fake-consul does not model " + path +
                                              " (its ACL API has bootstrap, policies and tokens)");
    }
  }

 private:
  bool allowed(AccessLevel need) {
    const Authorizer* authz = call_.authorizer();
    if (!authz) return false;
    if (authz->allows_acl(need)) return true;
    call_.fail(Status::forbidden, permission_denied(accessor(), "acl:" + std::string(level_name(need)), ""));
    return false;
  }

  std::string accessor() {
    const AclToken* t = store_.find_token_by_secret(secret());
    return t ? t->accessor : std::string();
  }
  std::string secret() {
    std::string s = request_token(call_.request(), call_.target());
    return s.empty() ? "anonymous" : s;
  }

  template <typename T, typename Render>
  void answer(const AclResult<T>& result, Render render) {
    if (const auto* error = std::get_if<AclError>(&result))
      return call_.fail(static_cast<Status>(error->status), error->message);
    call_.reply(json_ok(render(std::get<T>(result))));
  }

  void read_answer(const json& body) {
    auto res = json_ok(body);
    add_query_meta(res, store_.index());
    call_.reply(std::move(res));
  }

  void read_policy(const AclPolicy* p) {
    if (!p) return call_.fail(Status::forbidden, "ACL not found");
    read_answer(policy_json(*p, true));
  }

  void write_policy(const std::string& id, bool create) {
    auto decoded = decode_acl_policy(call_.request().body());
    if (auto* e = std::get_if<std::string>(&decoded)) return call_.fail(Status::bad_request, "Policy decoding failed: " + *e);
    AclPolicyRequest& req = std::get<AclPolicyRequest>(decoded);
    if (create && !req.id.empty()) return call_.fail(Status::bad_request, "Cannot specify the ID when creating a new policy");
    if (!create && !req.id.empty() && req.id != id)
      return call_.fail(Status::bad_request, "Policy ID in URL and payload do not match");
    if (!create) req.id = id;
    answer(store_.set_policy(req, create), [](const AclPolicy& p) { return policy_json(p, true); });
  }

  void policy_crud(const std::string& id) {
    if (!call_.require_method({verb::get, verb::put, verb::delete_})) return;
    const auto method = call_.request().method();
    if (id.empty() && method != verb::put) return call_.fail(Status::bad_request, "Missing policy ID");
    if (method == verb::get) {
      if (allowed(AccessLevel::read)) read_policy(store_.find_policy(id));
    } else if (allowed(AccessLevel::write)) {
      if (method == verb::put) write_policy(id, false);
      else answer(store_.delete_policy(id), [](bool ok) { return json(ok); });
    }
  }

  void list_tokens() {
    const std::string policy = call_.target().get("policy");
    const bool secrets = call_.authorizer()->allows_acl(AccessLevel::write);
    json out = json::array();
    for (const AclToken* t : store_.tokens()) {
      if (!policy.empty() && std::find(t->policy_ids.begin(), t->policy_ids.end(), policy) == t->policy_ids.end()) continue;
      out.push_back(token_json(store_, *t, secrets));
    }
    read_answer(out);
  }

  void write_token(const std::string& accessor, bool create) {
    auto decoded = decode_acl_token(call_.request().body());
    if (auto* e = std::get_if<std::string>(&decoded)) return call_.fail(Status::bad_request, "Token decoding failed: " + *e);
    AclTokenRequest& req = std::get<AclTokenRequest>(decoded);
    if (!create && !req.accessor.empty() && req.accessor != accessor)
      return call_.fail(Status::bad_request, "Token Accessor ID in URL and payload do not match");
    if (!create) req.accessor = accessor;
    answer(store_.set_token(req, create), [&](const AclToken& t) { return token_json(store_, t, true); });
  }

  void token_self() {
    if (!call_.authorizer()) return;  // 403 ACL not found
    const AclToken* t = store_.find_token_by_secret(secret());
    if (!t) return call_.fail(Status::forbidden, "ACL not found");
    read_answer(token_json(store_, *t, true));
  }

  void clone_token(const std::string& accessor) {
    const AclToken* original = store_.find_token(accessor);
    if (!original) return call_.fail(Status::forbidden, "ACL not found");
    auto decoded = decode_acl_token(call_.request().body());
    if (auto* e = std::get_if<std::string>(&decoded)) return call_.fail(Status::bad_request, "Token decoding failed: " + *e);
    AclTokenRequest req;
    req.description = std::get<AclTokenRequest>(decoded).description;
    if (req.description.empty()) req.description = original->description;
    req.local = original->local;
    for (const std::string& id : original->policy_ids) req.policies.push_back({id, ""});
    answer(store_.set_token(req, true), [&](const AclToken& t) { return token_json(store_, t, true); });
  }

  void token_crud(std::string accessor) {
    if (!call_.require_method({verb::get, verb::put, verb::delete_})) return;
    const auto method = call_.request().method();
    if (method == verb::put && accessor.ends_with("/clone")) {
      accessor.resize(accessor.size() - std::string_view("/clone").size());
      if (allowed(AccessLevel::write)) clone_token(accessor);
      return;
    }
    if (accessor.empty() && method != verb::put) return call_.fail(Status::bad_request, "Missing token ID");
    if (method == verb::get) {
      if (!allowed(AccessLevel::read)) return;
      const AclToken* t = store_.find_token(accessor);
      if (!t) return call_.fail(Status::forbidden, "ACL not found");
      read_answer(token_json(store_, *t, call_.authorizer()->allows_acl(AccessLevel::write)));
    } else if (allowed(AccessLevel::write)) {
      if (method == verb::put) write_token(accessor, false);
      else answer(store_.delete_token(accessor, secret()), [](bool ok) { return json(ok); });
    }
  }

  ApiCall& call_;
  AclStore& store_;
};

}  // namespace

bool route_acl(ApiCall& call) {
  if (!call.path().starts_with("/v1/acl/")) return false;
  AclStore* store = call.config().acl_store.get();
  if (!store || !store->enabled()) {
    call.fail(Status::unauthorized, "ACL support disabled");
    return true;
  }
  AclApi(call, *store).route();
  return true;
}

}  // namespace fakes::consul
