// /v1/txn over the KV store: Txn.Apply's pre-checks (kvsPreApply for every operation, as the
// leader runs them before the write), then the operations themselves (state/kv_txn.cpp).
#include "fakes/consul/state/catalog.hpp"

namespace fakes::consul {

KvTxnOutcome Catalog::kv_txn(const std::vector<KvTxnOp>& ops) {
  KvTxnOutcome pre;
  const auto now = clock_.now();
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const KvTxnOp& op = ops[i];
    if (op.key.empty() && op.verb != "delete-tree") {
      pre.errors.push_back({i, "Must provide key"});
    } else if (op.verb == "lock") {
      if (auto until = kv_.lock_delay(op.key); until && *until > now)
        pre.errors.push_back({i, "failed to lock key \"" + op.key + "\" due to lock delay"});
    }
  }
  if (!pre.errors.empty()) return pre;
  return kv_.transact(ops, index_ + 1, [this](const std::string& id) { return sessions_.count(id) != 0; });
}

}  // namespace fakes::consul
