// Sessions and the KV locks they hold, as Consul's state store keeps them
// (agent/consul/state/session.go, kvs.go; agent/consul/session_endpoint.go,
// session_ttl.go): creation checks, invalidation with release/delete and lock-delay, TTLs.
#include "fakes/consul/state/catalog.hpp"

#include <algorithm>
#include <cstdio>

namespace fakes::consul {

std::vector<std::string> Session::bound_checks() const {
  std::vector<std::string> out = checks;
  if (node_checks) out.insert(out.end(), node_checks->begin(), node_checks->end());
  if (service_checks) out.insert(out.end(), service_checks->begin(), service_checks->end());
  return out;
}

const char* behavior_name(SessionBehavior b) { return b == SessionBehavior::delete_keys ? "delete" : "release"; }

std::string Catalog::new_uuid() {
  for (;;) {
    const std::uint64_t a = session_ids_(), b = session_ids_();
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                  static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xffff),
                  static_cast<unsigned>(b >> 48), static_cast<unsigned long long>(b & 0xffffffffffffull));
    if (!sessions_.count(buf)) return buf;
  }
}

std::string Catalog::create_session(Session& session) {
  if (session.node.empty()) return "Must provide Node";
  const Node* node = find_node(local_datacenter_, session.node);
  if (!node) return "Missing node registration";
  for (const std::string& id : session.bound_checks()) {
    auto check = node->checks.find(id);
    if (check == node->checks.end()) return "Missing check '" + id + "' registration";
    if (check->second.status == HealthStatus::critical) return "Check '" + id + "' is in critical state";
  }
  session.id = new_uuid();
  const std::uint64_t index = index_ + 1;
  session.raft = {index, index};
  if (session.ttl_value.count() > 0) session.expires = clock_.now() + kSessionTtlMultiplier * session.ttl_value;
  sessions_.emplace(session.id, session);
  sessions_index_ = index;
  commit();
  return "";
}

void Catalog::drop_session(std::map<std::string, Session>::iterator it, std::uint64_t index) {
  const Session session = std::move(it->second);
  sessions_.erase(it);
  sessions_index_ = index;
  std::optional<Clock::time_point> delay_until;
  if (session.lock_delay.count() > 0)
    delay_until = clock_.now() + std::min<std::chrono::nanoseconds>(session.lock_delay, kMaxLockDelay);
  kv_.drop_session(session.id, session.behavior == SessionBehavior::delete_keys, index, delay_until);
  queries_.drop_session(session.id, index);  // Consul deletes the queries bound to it
}

bool Catalog::destroy_session(const std::string& id) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return false;
  drop_session(it, index_ + 1);
  commit();
  return true;
}

void Catalog::invalidate_broken_sessions(std::uint64_t index) {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    const Node* node = find_node(local_datacenter_, it->second.node);
    bool broken = node == nullptr;
    for (const std::string& id : node ? it->second.bound_checks() : std::vector<std::string>{}) {
      auto check = node->checks.find(id);
      if (check == node->checks.end() || check->second.status == HealthStatus::critical) broken = true;
    }
    auto next = std::next(it);
    if (broken) drop_session(it, index);
    it = next;
  }
}

const Session* Catalog::renew_session(const std::string& id) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return nullptr;
  // A renewal is no write in Consul (the index stays); it restarts the server's timer.
  if (it->second.expires) it->second.expires = clock_.now() + kSessionTtlMultiplier * it->second.ttl_value;
  return &it->second;
}

const Session* Catalog::find_session(const std::string& id) const {
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : &it->second;
}

std::vector<const Session*> Catalog::sessions(std::optional<std::string_view> node) const {
  std::vector<const Session*> out;
  for (const auto& [id, s] : sessions_)
    if (!node || iequals(s.node, *node)) out.push_back(&s);
  return out;
}

std::size_t Catalog::expire_sessions() {
  const auto now = clock_.now();
  const std::uint64_t index = index_ + 1;
  std::size_t expired = 0;
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    auto next = std::next(it);
    if (it->second.expires && *it->second.expires <= now) {
      drop_session(it, index);
      ++expired;
    }
    it = next;
  }
  if (expired) commit();
  return expired;
}

std::optional<Clock::time_point> Catalog::next_session_deadline() const {
  std::optional<Clock::time_point> next;
  for (const auto& [id, s] : sessions_)
    if (s.expires && (!next || *s.expires < *next)) next = s.expires;
  return next;
}

KvLockResult Catalog::kv_acquire(const std::string& key, std::string value, std::uint64_t flags,
                                 const std::string& session) {
  // The leader refuses a lock during the key's lock-delay before it looks at the session
  // (kvsPreApply), so that answer is a plain false.
  if (auto until = kv_.lock_delay(key); until && *until > clock_.now()) return {false, ""};
  if (session.empty()) return {false, "missing session"};
  if (!sessions_.count(session)) return {false, "invalid session \"" + session + "\""};
  return {kv_.acquire(key, std::move(value), flags, session), ""};
}

KvLockResult Catalog::kv_release(const std::string& key, std::string value, std::uint64_t flags,
                                 const std::string& session) {
  // Consul does not look the session up on release: only the holder can release.
  if (session.empty()) return {false, "missing session"};
  return {kv_.release(key, std::move(value), flags, session), ""};
}

}  // namespace fakes::consul
