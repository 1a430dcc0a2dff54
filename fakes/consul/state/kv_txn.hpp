#pragma once
// The KV operations of Consul's /v1/txn (agent/consul/state/txn.go, txnKVS): verbs, what each
// answers, and its error text when it fails. All of a transaction's operations succeed
// together at one index, or none of them changes anything.

#include "fakes/consul/state/kv_store.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace fakes::consul {

struct KvTxnOp {
  std::string verb;  // set, cas, lock, unlock, get, get-tree, check-index, check-session,
                     // check-not-exists, delete, delete-tree, delete-cas
  std::string key;
  std::string value;  // decoded
  std::uint64_t flags = 0;
  std::uint64_t index = 0;  // Index: the CAS / check-index ModifyIndex
  std::string session;
};

/// Whether the verb writes (Consul routes a transaction without writes through Txn.Read).
bool is_kv_txn_write(const std::string& verb);

struct KvTxnResult {
  KvEntry entry;
  bool with_value = false;  // gets answer the value; writes and checks answer Value null
};

struct KvTxnError {
  std::size_t op_index = 0;
  std::string what;
};

struct KvTxnOutcome {
  std::vector<KvTxnResult> results;  // empty when there are errors
  std::vector<KvTxnError> errors;
};

}  // namespace fakes::consul
