#include "fakes/consul/endpoints/api_call.hpp"

#include "fakes/consul/acl/acl_response_filter.hpp"

#include <stdexcept>

namespace fakes::consul {

std::optional<std::string> ApiCall::rest_after(std::string_view prefix) const {
  if (!std::string_view(target_.path).starts_with(prefix)) return std::nullopt;
  return target_.path.substr(prefix.size());
}

bool ApiCall::require_method(std::initializer_list<fakes::http::bhttp::verb> allowed) {
  const auto method = request().method();
  std::string allow;
  for (auto v : allowed) {
    if (v == method) return true;
    if (!allow.empty()) allow += ",";
    allow += std::string(fakes::http::bhttp::to_string(v));
  }
  auto res = text_error(Status::method_not_allowed, "method " + std::string(request().method_string()) + " not allowed");
  res.set(fakes::http::bhttp::field::allow, allow);
  reply(std::move(res));
  return false;
}

std::optional<std::string> ApiCall::datacenter() {
  std::string dc = target_.get("dc");
  if (dc.empty()) return ctx_.config.datacenter;
  if (!ctx_.catalog.has_datacenter(dc)) {
    fail(Status::internal_server_error, "No path to datacenter");
    return std::nullopt;
  }
  for (const auto& known : ctx_.catalog.datacenters())
    if (iequals(known, dc)) return known;
  return dc;
}

const Authorizer* ApiCall::authorizer() {
  if (!identity_) {
    auto resolved = request_identity(ctx_.config, request_token(request(), target_));
    if (auto* error = std::get_if<AclError>(&resolved)) {
      fail(static_cast<Status>(error->status), error->message);
      return nullptr;
    }
    identity_ = std::get<AclIdentity>(std::move(resolved));
  }
  return &identity_->authorizer;
}

bool ApiCall::authorize(AclResource resource, std::string_view name, AccessLevel need) {
  const Authorizer* authz = authorizer();
  if (!authz) return false;
  if (authz->allows(resource, name, need)) return true;
  fail(Status::forbidden, permission_denied(identity_->accessor,
                                            std::string(resource_name(resource)) + ":" + std::string(level_name(need)),
                                            name));
  return false;
}

bool ApiCall::authorize_write(std::string_view permission, std::string_view resource) {
  // "service:write": the resource kind before the colon.
  auto kind = parse_resource_name(permission.substr(0, permission.find(':')));
  if (!kind) throw std::logic_error("unknown ACL permission " + std::string(permission));
  return authorize(*kind, resource, AccessLevel::write);
}

bool ApiCall::authorize_key_write_prefix(std::string_view prefix) {
  const Authorizer* authz = authorizer();
  if (!authz) return false;
  if (authz->allows_key_write_prefix(prefix)) return true;
  fail(Status::forbidden, permission_denied(identity_->accessor, "key:write", prefix));
  return false;
}

bool ApiCall::authorize_read() { return authorizer() != nullptr; }

nlohmann::json ApiCall::visible(nlohmann::json body) {
  const Authorizer* authz = authorizer();
  if (!authz) return nlohmann::json::array();  // the 403 is already answered
  return filter_for_acl(target_.path, std::move(body), *authz);
}

void ApiCall::serve_read(std::function<std::uint64_t()> index, std::function<nlohmann::json()> body) {
  auto params = parse_blocking_params(target_);
  if (auto* error = std::get_if<std::string>(&params)) return fail(Status::bad_request, *error);
  // The answer depends on the question (target with its query, and the token, which ACLs may
  // use) and on the catalog: reuse it until the catalog's next write.
  std::string key(request().target());
  for (const auto field : {std::string_view("X-Consul-Token"), std::string_view("Authorization")})
    if (auto it = request().find(field); it != request().end()) key.append("\n").append(it->value());
  // A policy or token change alters what the same token sees.
  if (ctx_.config.acl_store) key.append("\nacl@").append(std::to_string(ctx_.config.acl_store->index()));
  const Authorizer* authz = authorizer();
  if (!authz) return;
  ctx_.blocking.serve(exchange_, std::get<BlockingParams>(params),
                      [index = std::move(index), body = std::move(body), key = std::move(key), &ctx = ctx_,
                       authz = *authz, path = target_.path] {
                        const auto at = ctx.catalog.index();
                        if (auto hit = ctx.rendered.find(key, at)) return std::move(*hit);
                        auto view = make_view(index(), json_ok(filter_for_acl(path, body(), authz)));
                        ctx.rendered.store(key, at, view);
                        return view;
                      });
}

void ApiCall::serve_view(RenderView render, bool any_change) {
  auto params = parse_blocking_params(target_);
  if (auto* error = std::get_if<std::string>(&params)) return fail(Status::bad_request, *error);
  auto& blocking = std::get<BlockingParams>(params);
  blocking.any_change = any_change;
  // Consul's event list waits its maxQueryTime when no ?wait= is given.
  if (any_change && blocking.wait.count() == 0) blocking.wait = BlockingQueries::kMaxWait;
  ctx_.blocking.serve(exchange_, blocking, std::move(render));
}

std::optional<bool> ApiCall::bool_param(const std::string& name) {
  if (!target_.has(name)) return false;
  const std::string v = target_.get(name);
  if (v.empty() || v == "true" || v == "1" || v == "True" || v == "TRUE" || v == "t" || v == "T") return true;
  if (v == "false" || v == "0" || v == "False" || v == "FALSE" || v == "f" || v == "F") return false;
  fail(Status::bad_request, "Invalid value for ?" + name);
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> ApiCall::node_meta_filters() const {
  std::vector<std::pair<std::string, std::string>> out;
  auto [first, last] = target_.query.equal_range("node-meta");
  for (auto it = first; it != last; ++it) {
    const auto colon = it->second.find(':');
    if (colon == std::string::npos) out.emplace_back(it->second, "");
    else out.emplace_back(it->second.substr(0, colon), it->second.substr(colon + 1));
  }
  return out;
}

bool satisfies_meta_filters(const std::map<std::string, std::string>& meta,
                            const std::vector<std::pair<std::string, std::string>>& filters) {
  for (const auto& [key, value] : filters) {
    auto it = meta.find(key);
    if (it == meta.end() || it->second != value) return false;
  }
  return true;
}

}  // namespace fakes::consul
