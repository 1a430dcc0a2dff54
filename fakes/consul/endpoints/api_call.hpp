#pragma once
// One Consul API request on its way through the endpoint families (endpoints/*_endpoints.cpp),
// with the helpers they share: method check, ?dc=, ACL, query parameters, blocking reads.

#include "fakes/consul/requests/acl.hpp"
#include "fakes/consul/responses/blocking_queries.hpp"
#include "fakes/consul/responses/consul_response.hpp"
#include "fakes/consul/responses/rendered_reads.hpp"
#include "fakes/consul/state/agent_config.hpp"
#include "fakes/consul/state/catalog.hpp"

#include "fakes/common/http/server.hpp"
#include "fakes/common/url.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace fakes::consul {

class CatalogDirectory;

/// State shared by all endpoints; lives as long as the server.
struct ApiContext {
  Catalog& catalog;
  const AgentConfig& config;
  BlockingQueries& blocking;
  RenderedReads& rendered;
  /// Every datacenter the process knows (its own and --wan ones), for /v1/catalog/datacenters.
  const std::vector<std::string>* datacenters = nullptr;
  /// Every in-process datacenter's catalog, for prepared query failover.
  const CatalogDirectory* directory = nullptr;
};

class ApiCall {
 public:
  ApiCall(const fakes::http::ExchangePtr& exchange, fakes::http::Target target, ApiContext& context)
      : exchange_(exchange), target_(std::move(target)), ctx_(context) {}

  const fakes::http::Request& request() const { return exchange_->request(); }
  const fakes::http::Target& target() const { return target_; }
  const std::string& path() const { return target_.path; }
  ApiContext& ctx() { return ctx_; }
  Catalog& catalog() { return ctx_.catalog; }
  const AgentConfig& config() const { return ctx_.config; }

  void reply(Response response) { exchange_->respond(std::move(response)); }
  void fail(Status status, std::string reason) { reply(text_error(status, std::move(reason))); }

  /// The path after `prefix` when the path starts with it.
  std::optional<std::string> rest_after(std::string_view prefix) const;
  /// Answers 405 "method X not allowed" (with Allow) unless the method is one of `allowed`.
  bool require_method(std::initializer_list<fakes::http::bhttp::verb> allowed);
  /// ?dc= or the local datacenter; answers 500 "No path to datacenter" for unknown ones.
  std::optional<std::string> datacenter();
  /// Answers 403 and returns false when the ACL denies the write ("service:write" on "web").
  bool authorize_write(std::string_view permission, std::string_view resource);
  /// Answers 403 (naming `need` on `name`) and returns false unless the token has it.
  bool authorize(AclResource resource, std::string_view name, AccessLevel need);
  /// Consul's KeyWritePrefix: write on the prefix and on every rule under it.
  bool authorize_key_write_prefix(std::string_view prefix);
  /// Answers 403 for an unknown token on reads.
  bool authorize_read();
  /// The token's authorizer; nullptr after answering 403 "ACL not found".
  const Authorizer* authorizer();
  /// What the token may see of this route's answer (acl/acl_response_filter.hpp).
  nlohmann::json visible(nlohmann::json body);
  /// Serves a read as a blocking query: `index` and `body` are re-evaluated on each change.
  void serve_read(std::function<std::uint64_t()> index, std::function<nlohmann::json()> body);
  /// The same for answers that are not plain JSON (KV ?raw, 404 for missing keys).
  /// `any_change`: the index is a fingerprint, not a counter (the user event list): a
  /// blocking read answers once it differs, and waits 10 minutes when no ?wait= is given.
  void serve_view(RenderView render, bool any_change = false);
  /// ?node-meta=key:value (repeatable) as Consul's parseMetaFilter reads it: split at the
  /// first ':', a filter without one wants an empty value.
  std::vector<std::pair<std::string, std::string>> node_meta_filters() const;
  /// True for ?name, ?name=true/1; false for absent or false/0; nullopt (400 sent) otherwise.
  std::optional<bool> bool_param(const std::string& name);

 private:
  fakes::http::ExchangePtr exchange_;
  fakes::http::Target target_;
  ApiContext& ctx_;
  std::optional<AclIdentity> identity_;  // resolved on first use
};

/// Consul's SatisfiesMetaFilters: every filter key present with exactly that value.
bool satisfies_meta_filters(const std::map<std::string, std::string>& meta,
                            const std::vector<std::pair<std::string, std::string>>& filters);

// Endpoint families, each at the bottom of endpoints/<family>_endpoints.cpp: each answers and
// returns true when the path is one of its own.
bool route_status(ApiCall& call);
bool route_agent(ApiCall& call);
/// /v1/agent/health/service/id|name/...
bool route_agent_health(ApiCall& call);
bool route_catalog(ApiCall& call);
bool route_health(ApiCall& call);
bool route_kv(ApiCall& call);
/// /v1/session/create|destroy|renew|info|node|list
bool route_session(ApiCall& call);
/// /v1/event/fire/:name, /v1/event/list
bool route_event(ApiCall& call);
/// /v1/txn (KV operations)
bool route_txn(ApiCall& call);
/// /v1/query, /v1/query/:id, /v1/query/:id-or-name/execute|explain (prepared queries)
bool route_query(ApiCall& call);
/// /v1/acl/bootstrap, /v1/acl/policy*, /v1/acl/token* (endpoints/acl_endpoints.cpp)
bool route_acl(ApiCall& call);

}  // namespace fakes::consul
