#include "fakes/consul/state/kv_txn.hpp"

#include <algorithm>
#include <iterator>

namespace fakes::consul {

namespace {

using Entries = std::map<std::string, KvEntry>;

// Go's %q for the keys and sessions in the error texts (printable ASCII keys are the rule).
std::string go_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// kvsSetTxn without a session change: CreateIndex and Session kept, LockIndex the request's (0).
KvEntry& set_entry(Entries& m, const KvTxnOp& op, std::uint64_t index) {
  auto [it, fresh] = m.try_emplace(op.key);
  KvEntry& e = it->second;
  if (fresh) {
    e.key = op.key;
    e.create_index = index;
  }
  e.value = op.value;
  e.flags = op.flags;
  e.lock_index = 0;
  e.modify_index = index;
  return e;
}

struct OpResult {
  std::string error;
  std::vector<KvTxnResult> results;
};

OpResult run_op(Entries& m, const KvTxnOp& op, std::uint64_t index,
                const std::function<bool(const std::string&)>& session_exists) {
  auto it = m.find(op.key);
  const bool exists = it != m.end();
  auto blank = [](const KvEntry& e) { return OpResult{"", {KvTxnResult{e, false}}}; };
  if (op.verb == "set") return blank(set_entry(m, op, index));
  if (op.verb == "cas") {
    const bool ok = op.index == 0 ? !exists : exists && it->second.modify_index == op.index;
    if (!ok) return {"failed to set key " + go_quote(op.key) + ", index is stale", {}};
    return blank(set_entry(m, op, index));
  }
  if (op.verb == "lock" || op.verb == "unlock") {
    if (op.session.empty()) return {"missing session", {}};
    const bool lock = op.verb == "lock";
    if (lock && !session_exists(op.session)) return {"invalid session " + go_quote(op.session), {}};
    const std::string holder = exists ? it->second.session : "";
    if (lock ? (!holder.empty() && holder != op.session) : (!exists || holder != op.session))
      return {"failed to " + op.verb + " key " + go_quote(op.key) +
                  (lock ? ", lock is already held" : ", lock isn't held, or is held by another session"),
              {}};
    const std::uint64_t lock_index = !exists ? 1 : (lock && holder != op.session ? it->second.lock_index + 1 : it->second.lock_index);
    KvEntry& e = set_entry(m, op, index);
    e.lock_index = lock_index;
    e.session = lock ? op.session : "";
    return blank(e);
  }
  if (op.verb == "get") {
    if (!exists) return {"key " + go_quote(op.key) + " doesn't exist", {}};
    return {"", {KvTxnResult{it->second, true}}};
  }
  if (op.verb == "get-tree") {
    OpResult out;
    for (auto t = m.lower_bound(op.key); t != m.end() && t->first.starts_with(op.key); ++t)
      out.results.push_back(KvTxnResult{t->second, true});
    return out;
  }
  if (op.verb == "check-index") {
    if (!exists) return {"failed to check index, key " + go_quote(op.key) + " doesn't exist", {}};
    if (it->second.modify_index != op.index)
      return {"failed index check for key " + go_quote(op.key) + ", current modify index " +
                  std::to_string(it->second.modify_index) + " != " + std::to_string(op.index),
              {}};
    return blank(it->second);
  }
  if (op.verb == "check-session") {
    if (!exists) return {"failed to check session, key " + go_quote(op.key) + " doesn't exist", {}};
    if (it->second.session != op.session)
      return {"failed session check for key " + go_quote(op.key) + ", current session " + go_quote(it->second.session) +
                  " != " + go_quote(op.session),
              {}};
    return blank(it->second);
  }
  if (op.verb == "check-not-exists") {
    if (exists) return {"key " + go_quote(op.key) + " exists", {}};
    return {};
  }
  if (op.verb == "delete") {
    if (exists) m.erase(it);
    return {};
  }
  if (op.verb == "delete-cas") {
    if (!exists) return {};  // Consul: nothing to delete is no failure
    if (it->second.modify_index != op.index) return {"failed to delete key " + go_quote(op.key) + ", index is stale", {}};
    m.erase(it);
    return {};
  }
  if (op.verb == "delete-tree") {
    auto first = m.lower_bound(op.key);
    auto last = first;
    while (last != m.end() && last->first.starts_with(op.key)) ++last;
    m.erase(first, last);
    return {};
  }
  return {"unknown KV verb " + go_quote(op.verb), {}};
}

}  // namespace

bool is_kv_txn_write(const std::string& verb) {
  return verb == "set" || verb == "delete" || verb == "delete-cas" || verb == "delete-tree" || verb == "cas" ||
         verb == "lock" || verb == "unlock";
}

KvTxnOutcome KvStore::transact(const std::vector<KvTxnOp>& ops, std::uint64_t index,
                               const std::function<bool(const std::string&)>& session_exists) {
  Entries work = entries_;
  KvTxnOutcome out;
  bool writes = false;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    writes = writes || is_kv_txn_write(ops[i].verb);
    OpResult r = run_op(work, ops[i], index, session_exists);
    if (!r.error.empty()) out.errors.push_back({i, std::move(r.error)});
    std::move(r.results.begin(), r.results.end(), std::back_inserter(out.results));
  }
  if (!out.errors.empty()) {
    out.results.clear();
    return out;
  }
  if (writes) {
    entries_ = std::move(work);
    index_.commit();
  }
  return out;
}

}  // namespace fakes::consul
