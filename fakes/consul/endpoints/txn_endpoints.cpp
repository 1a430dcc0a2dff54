// PUT /v1/txn with KV operations (agent/txn_endpoint.go): Consul's size and count limits, then
// Txn.Apply (any write) or Txn.Read (reads only, answered with the read's query meta); 200
// with Results, or 409 with Errors and nothing changed. Node, Service and Check operations are
// refused: the fake does not model them.
#include "fakes/consul/endpoints/api_call.hpp"
#include "fakes/consul/endpoints/shared_shapes.hpp"
#include "fakes/consul/requests/txn_decoder.hpp"

namespace fakes::consul {

namespace {

using fakes::http::bhttp::verb;
using nlohmann::json;

constexpr std::size_t kMaxTxnOps = 64;              // Consul's maxTxnOps
constexpr std::size_t kMaxTxnLength = 512 * 1024;  // txn_max_req_len and kv_max_value_size defaults

/// agent/consul/txn_endpoint.go's vetKVTxnOp: gets are filtered afterwards, checks need read,
/// everything else writes.
bool kv_txn_op_allowed(const Authorizer& authz, const KvTxnOp& op) {
  if (op.verb == "get" || op.verb == "get-tree") return true;
  if (op.verb == "check-session" || op.verb == "check-index" || op.verb == "check-not-exists")
    return authz.allows(AclResource::key, op.key, AccessLevel::read);
  return authz.allows(AclResource::key, op.key, AccessLevel::write);
}

void txn(ApiCall& call) {
  const std::string& body = call.request().body();
  if (body.size() > kMaxTxnLength)
    return call.fail(Status::payload_too_large,
                     "Request body too large, max size: " + std::to_string(kMaxTxnLength) + " bytes");
  TxnRequest req;
  try {
    req = decode_txn(body);
  } catch (const DecodeError& e) {
    return call.fail(Status::bad_request, std::string("Failed to parse body: ") + e.what());
  }
  if (req.operations > kMaxTxnOps)
    return call.fail(Status::payload_too_large, "Transaction contains too many operations (" +
                                                    std::to_string(req.operations) + " > " +
                                                    std::to_string(kMaxTxnOps) + ")");
  for (const KvTxnOp& op : req.kv)
    if (op.value.size() > kMaxTxnLength)
      return call.fail(Status::payload_too_large, "Value for key \"" + op.key + "\" is too large (" +
                                                      std::to_string(op.value.size()) + " > " +
                                                      std::to_string(kMaxTxnLength) + " bytes)");
  if (!req.unsupported.empty())
    return call.fail(Status::bad_request,
                     "fake-consul does not model " + req.unsupported + " operations in /v1/txn (KV only)");
  bool writes = false;
  for (const KvTxnOp& op : req.kv) writes = writes || is_kv_txn_write(op.verb);
  const Authorizer* authz = call.authorizer();
  if (!authz) return;

  // Consul's preCheck: each operation the token may not do is an error, and nothing runs.
  KvTxnOutcome outcome;
  for (std::size_t i = 0; i < req.kv.size(); ++i)
    if (!kv_txn_op_allowed(*authz, req.kv[i])) outcome.errors.push_back({i, "Permission denied"});
  bool filtered = false;
  if (outcome.errors.empty()) {
    outcome = call.catalog().kv_txn(req.kv);
    // Gets are filtered on the way out.
    filtered = std::erase_if(outcome.results, [&](const KvTxnResult& r) {
      return !authz->allows(AclResource::key, r.entry.key, AccessLevel::read);
    }) > 0;
  }
  json answer = {{"Results", nullptr}, {"Errors", nullptr}};
  if (outcome.errors.empty()) {
    answer["Results"] = json::array();
    for (const KvTxnResult& r : outcome.results) answer["Results"].push_back({{"KV", kv_entry_json(r.entry, r.with_value)}});
  } else {
    answer["Errors"] = json::array();
    for (const KvTxnError& e : outcome.errors) answer["Errors"].push_back({{"OpIndex", e.op_index}, {"What", e.what}});
  }
  if (!writes) {
    // Txn.Read's TxnReadResponse embeds QueryMeta, whose fields Go's encoder flattens in.
    answer.update({{"Index", 0}, {"LastContact", 0}, {"KnownLeader", true}, {"ConsistencyLevel", ""},
                   {"NotModified", false}, {"Backend", 0}, {"ResultsFilteredByACLs", filtered}});
  }
  auto response = fakes::http::make_response(outcome.errors.empty() ? Status::ok : Status::conflict,
                                              answer.dump(-1, ' ', false, json::error_handler_t::replace),
                                              "application/json");
  if (!writes) {
    response.set("X-Consul-KnownLeader", "true");
    response.set("X-Consul-LastContact", "0");
  }
  call.reply(std::move(response));
}

}  // namespace

bool route_txn(ApiCall& call) {
  if (call.path() != "/v1/txn") return false;
  if (call.require_method({verb::put}) && call.datacenter()) txn(call);
  return true;
}

}  // namespace fakes::consul
