// /v1/query: prepared queries. POST creates (answers {"ID"}), GET lists; /v1/query/<id>
// GET/PUT/DELETE; /v1/query/<id or name>/execute and /explain (GET). Writes are Consul's
// PreparedQuery.Apply: its errors are RPC errors, answered 500 with Consul's text; a body
// that does not decode is 400 "Request decode failed: ...". An unknown query is 404
// "Query not found" for get, execute and explain, as Consul's handlers map ErrQueryNotFound.
// The table and its rules are in queries/; execution and failover in query_executor.
#include "fakes/consul/datacenters/datacenter_routing.hpp"
#include "fakes/consul/endpoints/api_call.hpp"
#include "fakes/consul/queries/query_decoder.hpp"
#include "fakes/consul/queries/query_executor.hpp"
#include "fakes/consul/queries/query_json.hpp"
#include "fakes/consul/queries/query_sources.hpp"
#include "fakes/consul/state/catalog_directory.hpp"

#include <charconv>
#include <random>

namespace fakes::consul {

namespace {

using fakes::http::bhttp::verb;
using nlohmann::json;

std::mt19937_64& shuffle_rng() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng;
}

// The answer of a read that is not a blocking query: the JSON with Consul's meta headers.
void reply_read(ApiCall& call, const json& body) {
  auto response = json_ok(body);
  add_query_meta(response, 1);
  call.reply(std::move(response));
}

void fail_lookup(ApiCall& call, const std::string& error) {
  call.fail(error == kQueryNotFound ? Status::not_found : Status::internal_server_error, error);
}

std::optional<PreparedQuery> decode_or_fail(ApiCall& call) {
  try {
    return decode_prepared_query(call.request().body());
  } catch (const DecodeError& e) {
    call.fail(Status::bad_request, std::string("Request decode failed: ") + e.what());
  } catch (const UnmodelledQueryField& e) {
    call.fail(Status::bad_request, e.what());
  }
  return std::nullopt;
}

void query_create(ApiCall& call) {
  auto query = decode_or_fail(call);
  if (!query || !call.authorize_write("query:write", query->name)) return;
  auto created = call.catalog().queries().create(std::move(*query));
  if (created.index() == 1) return call.fail(Status::internal_server_error, std::get<1>(created));
  call.reply(json_ok({{"ID", std::get<0>(created)}}));
}

void query_update(ApiCall& call, const std::string& id) {
  // Consul decodes only a non-empty body; an empty one updates to an empty query, which
  // parseQuery then refuses.
  PreparedQuery query;
  if (!call.request().body().empty()) {
    auto decoded = decode_or_fail(call);
    if (!decoded) return;
    query = std::move(*decoded);
  }
  if (!call.authorize_write("query:write", query.name)) return;
  if (auto error = call.catalog().queries().update(id, std::move(query)); !error.empty())
    return call.fail(Status::internal_server_error, error);
  call.reply(empty_ok());
}

void query_delete(ApiCall& call, const std::string& id) {
  if (!call.authorize_write("query:write", "")) return;
  if (auto error = call.catalog().queries().remove(id); !error.empty())
    return call.fail(Status::internal_server_error, error);
  call.reply(empty_ok());
}

void serve_list(ApiCall& call) {
  if (!call.authorize_read()) return;
  const PreparedQueryStore* store = &call.catalog().queries();
  call.serve_read([store] { return store->index(); },
                  [store] {
                    json out = json::array();
                    for (const PreparedQuery* q : store->list()) out.push_back(prepared_query_json(*q));
                    return out;
                  });
}

void serve_get(ApiCall& call, const std::string& id) {
  if (!call.authorize_read()) return;
  const PreparedQueryStore* store = &call.catalog().queries();
  auto found = store->get(id);
  if (auto* error = std::get_if<std::string>(&found)) return fail_lookup(call, *error);
  call.serve_read([store] { return store->index(); },
                  [store, id] {
                    auto now = store->get(id);
                    auto* q = std::get_if<const PreparedQuery*>(&now);
                    return q ? json::array({prepared_query_json(**q)}) : json::array();
                  });
}

// parseLimit: strconv.Atoi's complaint, under the handler's "Bad limit: " (a 500).
std::optional<int> parse_limit(ApiCall& call) {
  const std::string text = call.target().get("limit");
  if (text.empty()) return 0;
  int value = 0;
  const char* first = text.data() + (text[0] == '+' ? 1 : 0);
  const auto [end, ec] = std::from_chars(first, text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range) {
    call.fail(Status::internal_server_error, "Bad limit: strconv.Atoi: parsing \"" + text + "\": value out of range");
    return std::nullopt;
  }
  if (ec != std::errc() || end != text.data() + text.size() || first == text.data() + text.size()) {
    call.fail(Status::internal_server_error, "Bad limit: strconv.Atoi: parsing \"" + text + "\": invalid syntax");
    return std::nullopt;
  }
  return value;
}

void execute(ApiCall& call, const std::string& id_or_name, bool explain_only) {
  if (!call.authorize_read()) return;
  const auto limit = parse_limit(call);
  if (!limit) return;
  auto resolved = call.catalog().queries().resolve(id_or_name);
  if (auto* error = std::get_if<std::string>(&resolved)) return fail_lookup(call, *error);
  const PreparedQuery& query = std::get<PreparedQuery>(resolved);
  if (explain_only) return reply_read(call, explain_json(query));

  const std::string dc = call.catalog().local_datacenter();
  std::vector<std::string> others;
  if (call.ctx().datacenters) others = *call.ctx().datacenters;
  others = datacenters_by_distance(dc, std::move(others));
  others.erase(others.begin());  // the first is this one
  const CatalogDirectory* directory = call.ctx().directory;
  Catalog* home = &call.catalog();
  InstanceSource instances = directory ? directory->instance_source()
                                       : make_instance_source([home](std::string_view) { return home; }, nullptr);
  QueryExecution where{dc, call.config().node_name, call.target().get("near"), *limit, std::move(instances),
                       std::move(others)};
  reply_read(call, call.visible(execute_result_json(execute_query(query, where, shuffle_rng()))));
}

}  // namespace

bool route_query(ApiCall& call) {
  if (call.path() == "/v1/query") {
    if (!call.require_method({verb::get, verb::post}) || !call.datacenter()) return true;
    if (call.request().method() == verb::post) query_create(call);
    else serve_list(call);
    return true;
  }
  auto rest = call.rest_after("/v1/query/");
  if (!rest) return false;
  if (!call.datacenter()) return true;
  if (rest->ends_with("/execute")) {
    if (call.require_method({verb::get})) execute(call, rest->substr(0, rest->size() - 8), false);
    return true;
  }
  if (rest->ends_with("/explain")) {
    if (call.require_method({verb::get})) execute(call, rest->substr(0, rest->size() - 8), true);
    return true;
  }
  if (!call.require_method({verb::get, verb::put, verb::delete_})) return true;
  if (call.request().method() == verb::get) serve_get(call, *rest);
  else if (call.request().method() == verb::put) query_update(call, *rest);
  else query_delete(call, *rest);
  return true;
}

}  // namespace fakes::consul
