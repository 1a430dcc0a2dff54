#pragma once
// The body of PUT /v1/txn (api.TxnOps) as Consul decodes it: a JSON array of operations, each
// with one of KV, Node, Service, Check; field names case-insensitive; KV Value base64.

#include "fakes/consul/requests/go_json_decoding.hpp"
#include "fakes/consul/state/kv_txn.hpp"

#include <string_view>
#include <vector>

namespace fakes::consul {

struct TxnRequest {
  std::vector<KvTxnOp> kv;  // the KV operations, in order (operations naming nothing are dropped, as Consul's)
  /// The first Node, Service or Check operation: fake-consul does not model those ("" = none).
  std::string unsupported;
  std::size_t operations = 0;  // how many the body listed (Consul's limit counts them all)
};

/// Throws DecodeError with Go's wording (the text after "Failed to parse body: ").
TxnRequest decode_txn(std::string_view body);

}  // namespace fakes::consul
