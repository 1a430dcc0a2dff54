#pragma once
// The fake Consul's state: datacenters -> nodes -> services and checks, plus a KV store, all
// behind one Raft-like index (X-Consul-Index). Pure and single-threaded: the server touches it
// only from its io thread, so it needs no locks. Every write that changes something bumps the
// index once and calls the change listener (blocking queries re-evaluate on it); the writes
// to one node share that skeleton in edit_node, so each says only what it changes.

#include "fakes/consul/queries/query_store.hpp"
#include "fakes/consul/state/catalog_types.hpp"
#include "fakes/consul/state/clock.hpp"
#include "fakes/consul/state/event_log.hpp"
#include "fakes/consul/state/kv_store.hpp"
#include "fakes/consul/state/kv_txn.hpp"
#include "fakes/consul/state/session.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace fakes::consul {

/// The servers' node health check ("Serf Health Status"): in the catalog, not in an agent's state.
inline constexpr const char* kSerfCheckId = "serfHealth";

struct ServiceRegistration {
  Service service;                      // raft indexes are ignored
  std::vector<CheckDefinition> checks;  // Check first, then Checks[], as Consul orders them
  bool replace_existing_checks = false;
};

enum class CheckUpdate { updated, unknown_check, not_ttl };

/// What a KV lock operation answers: `ok` (Consul's true/false), or Consul's error text.
struct KvLockResult {
  bool ok = false;
  std::string error;  // non-empty: the RPC failed (HTTP 500 with this text), nothing changed
};

class Catalog final : public IndexSource {
 public:
  Catalog(const Clock& clock, std::string local_datacenter);

  // ---- index and change notification ----
  std::uint64_t index() const { return index_; }
  /// Index of the last write touching service `name` (case-insensitive). A name with no
  /// instances has Consul's "service_last_extinction" index: that of the last write which
  /// removed the last instance of any service (index() while none has), so a name is
  /// forgotten once its last instance goes and churn through new names keeps nothing.
  std::uint64_t service_index(std::string_view name) const;
  /// Names with at least one instance: what the per-name indexes hold (tests).
  std::size_t indexed_service_names() const { return service_index_.size(); }
  /// Called after every write that bumped the index.
  void set_change_listener(std::function<void()> listener) { listener_ = std::move(listener); }
  /// Bumps the index and notifies (used by the KV store).
  std::uint64_t commit() override;

  // ---- nodes (catalog.cpp) ----
  /// Adds the node (with its serfHealth check) or updates its address; idempotent.
  const Node& upsert_node(const std::string& datacenter, const std::string& name, const std::string& address,
                          std::map<std::string, std::string> meta = {});
  bool remove_node(const std::string& datacenter, const std::string& name);

  // ---- what an agent registers (catalog_registrations.cpp) ----
  /// Adds or replaces service `reg.service.id` on an existing node. Re-registering an identical
  /// definition is not a write (Consul's anti-entropy syncs only differences). Returns false
  /// when the node is unknown.
  bool register_service(const std::string& datacenter, const std::string& node, ServiceRegistration reg);
  /// Removes the service and its checks; false when the ID is unknown.
  bool deregister_service(const std::string& datacenter, const std::string& node, const std::string& service_id);
  /// /v1/agent/check/register: adds or replaces one check of the node, or of its service
  /// `service_id` ("" = node check). A re-registered ID keeps its status. False when the node
  /// or the service is unknown.
  bool register_check(const std::string& datacenter, const std::string& node, const CheckDefinition& def,
                      const std::string& service_id);
  /// Removes one check; false when the ID is unknown.
  bool deregister_check(const std::string& datacenter, const std::string& node, const std::string& check_id);
  /// Drops every service and service check of the node ("agent lost its state"); returns how many.
  std::size_t deregister_all_services(const std::string& datacenter, const std::string& node);
  /// Service maintenance mode: adds (or removes) the critical "_service_maintenance:<id>"
  /// check Consul uses, which hides the instance from DNS and ?passing. False for unknown IDs.
  bool set_service_maintenance(const std::string& datacenter, const std::string& node, const std::string& service_id,
                               bool enable, const std::string& reason);
  /// Node maintenance mode: adds (or removes) the critical "_node_maintenance" check, which
  /// hides every instance on the node. False when the node is unknown.
  bool set_node_maintenance(const std::string& datacenter, const std::string& node, bool enable,
                            const std::string& reason);

  // ---- check state: status reports, TTL expiry, the reaper (catalog_check_state.cpp) ----
  /// /v1/agent/check/pass|warn|fail: only TTL checks accept it; re-arms the TTL.
  CheckUpdate update_ttl_check(const std::string& datacenter, const std::string& node, const std::string& check_id,
                               HealthStatus status, const std::string& output);
  /// Control API: sets any check's status (how non-TTL checks change in the fake).
  bool set_check_status(const std::string& datacenter, const std::string& node, const std::string& check_id,
                        HealthStatus status, const std::string& output);
  /// Turns TTL checks whose deadline passed critical; returns how many changed.
  std::size_t expire_ttl_checks();
  std::optional<Clock::time_point> next_ttl_deadline() const;
  /// Deregisters every service with a check that has been critical for at least its
  /// DeregisterCriticalServiceAfter (the agent's reaper); returns how many were removed.
  std::size_t reap_critical_services();
  std::optional<Clock::time_point> next_reap_deadline() const;
  /// Consul's check_deregister_interval_min: a shorter DeregisterCriticalServiceAfter counts as
  /// this long (Consul: 1 minute; the fake defaults to 0 so tests can use short times).
  void set_deregister_critical_min(std::chrono::milliseconds min) { deregister_critical_min_ = min; }

  // ---- /v1/catalog writes and the agents' anti-entropy (catalog_anti_entropy.cpp) ----
  /// Applies a validated catalog registration; returns Consul's error text, "" on success.
  /// Agent-owned entries it overwrites are remembered for the agent's next sync.
  std::string catalog_register(const CatalogRegistration& reg);
  /// Removes the node, a service or a check; true also when it was already gone (Consul's 200).
  void catalog_deregister(const CatalogDeregistration& dereg);
  /// One anti-entropy run of the agent of `node`: re-registers what the agent owns that a
  /// catalog write removed or changed, drops what the catalog API put on its node, restores
  /// the node's address and meta. Returns how many entries changed (0 = in sync, no write).
  std::size_t anti_entropy_sync(const std::string& datacenter, const std::string& node, const std::string& address);

  /// The services the agent of `node` owns, as its /v1/agent/* endpoints show them: the ones
  /// it registered, including those a catalog write removed or changed and the next sync
  /// restores; not what the catalog API put on the node.
  std::map<std::string, const Service*> agent_services(const std::string& datacenter, const std::string& node) const;

  // ---- reads ----
  const std::string& local_datacenter() const { return local_datacenter_; }
  std::vector<std::string> datacenters() const;  // sorted, always includes the local one
  bool has_datacenter(std::string_view datacenter) const;
  const Node* find_node(std::string_view datacenter, std::string_view name) const;
  std::vector<const Node*> nodes(std::string_view datacenter) const;
  /// Instances of `name` (case-insensitive) carrying every tag in `tags` (case-insensitive),
  /// ordered by node then service ID.
  std::vector<ServiceInstanceRef> service_instances(std::string_view datacenter, std::string_view name,
                                                    const std::vector<std::string>& tags = {}) const;
  /// Service name -> union of its instances' tags (sorted, unique).
  std::map<std::string, std::vector<std::string>> service_tags(std::string_view datacenter) const;
  /// The node's own checks followed by the service's checks, as /v1/health/service lists them.
  std::vector<const Check*> instance_checks(const Node& node, const Service& service) const;
  /// Checks of every instance of `name` (service checks only), for /v1/health/checks.
  std::vector<std::pair<const Node*, const Check*>> service_checks(std::string_view datacenter,
                                                                   std::string_view name) const;
  /// Every check in the datacenter, by node then check ID.
  std::vector<std::pair<const Node*, const Check*>> all_checks(std::string_view datacenter) const;

  KvStore& kv() { return kv_; }
  const KvStore& kv() const { return kv_; }
  /// The datacenter's prepared queries (queries/query_store.hpp).
  PreparedQueryStore& queries() { return queries_; }
  const PreparedQueryStore& queries() const { return queries_; }

  // ---- user events: gossip, not Raft state, but per datacenter like the catalog ----
  /// Gives the event its ID and delivers it to the agents of `nodes`; returns it as fired.
  UserEvent fire_event(UserEvent event, const std::vector<std::string>& nodes);
  const EventLog& events() const { return events_; }

  // ---- sessions and KV locks (catalog_sessions.cpp) ----
  /// Session.Apply create after the endpoint checked the TTL: the node and the bound checks
  /// (present, not critical) as Consul's state store checks them; picks the ID. Returns
  /// Consul's error text, or "" with session.id set.
  std::string create_session(Session& session);
  /// Invalidates the session (its keys released or deleted, lock-delay set); false when unknown.
  bool destroy_session(const std::string& id);
  /// Restarts a TTL session's clock; nullptr when the session is unknown.
  const Session* renew_session(const std::string& id);
  const Session* find_session(const std::string& id) const;
  /// Sorted by ID, as Consul's sessions table; `node` filters (case-insensitive) when given.
  std::vector<const Session*> sessions(std::optional<std::string_view> node = std::nullopt) const;
  /// The sessions table index (X-Consul-Index of the /v1/session reads); at least 1.
  std::uint64_t sessions_index() const { return sessions_index_ > 0 ? sessions_index_ : 1; }
  /// Invalidates TTL sessions whose time ran out; returns how many.
  std::size_t expire_sessions();
  std::optional<Clock::time_point> next_session_deadline() const;
  /// PUT /v1/kv/<key>?acquire=<session>: false during the key's lock-delay or while another
  /// session holds it; an empty or unknown session is an error, as in Consul's state store.
  KvLockResult kv_acquire(const std::string& key, std::string value, std::uint64_t flags, const std::string& session);
  /// ?release=<session>: false unless that session holds the key.
  KvLockResult kv_release(const std::string& key, std::string value, std::uint64_t flags, const std::string& session);
  /// /v1/txn's KV operations (catalog_txn.cpp): Consul's checks before the write (a key named,
  /// no lock during a lock-delay), then all operations at one index or none.
  KvTxnOutcome kv_txn(const std::vector<KvTxnOp>& ops);

 private:
  using NodeMap = std::map<std::string, Node>;
  Node* mutable_node(const std::string& datacenter, const std::string& name);

  // ---- the write skeleton ----
  /// What one write did to a node; only `changed` bumps the index.
  enum class Edit { missing, unchanged, changed };
  /// Every write to one node goes through here: finds the node, lets `change(node, index)`
  /// edit it, where `index` is the index the write commits at (for Raft indexes and the
  /// per-name indexes), then commits once when it says `changed`. Edit::missing when the
  /// node is unknown, else what `change` returned.
  template <class Change>
  Edit edit_node(const std::string& datacenter, const std::string& node, Change&& change);
  /// The same for one check of the node: `change(node, check, index)`.
  template <class Change>
  Edit edit_check(const std::string& datacenter, const std::string& node, const std::string& check_id,
                  Change&& change);
  /// Pieces of a write at `index`, each keeping the per-name indexes right: a service goes
  /// with its checks; a check touches the services whose health it changes.
  std::map<std::string, Service>::iterator erase_service(Node& node, std::map<std::string, Service>::iterator it,
                                                         std::uint64_t index);
  void erase_check(Node& node, std::map<std::string, Check>::iterator it, std::uint64_t index);
  void put_check(Node& node, Check check, std::uint64_t index);
  /// Adds `check` (enable) or removes the check with its ID; false when that is already so.
  static bool toggle_check(Node& node, bool enable, Check check);

  void touch_service(std::string_view name, std::uint64_t index);
  /// Instance bookkeeping of the per-name indexes: every insertion into and removal from a
  /// node's services goes through these (`index`: the write that removed it).
  void count_service_added(std::string_view name);
  void count_service_removed(std::string_view name, std::uint64_t index);
  void touch_node_services(const Node& node, std::uint64_t index);
  /// The services whose health a change of `check` alters: its own, or all of the node's.
  void touch_check_owner(const Node& node, const Check& check, std::uint64_t index);
  /// A pass/warn/fail or control-API status report: re-arms a TTL, keeps the output for a
  /// later expiry; `changed` only when status or output differ (else a heartbeat).
  Edit report_status(const Node& node, Check& check, HealthStatus status, const std::string& output,
                     std::uint64_t index);
  void arm_ttl(Check& check) const;
  /// Consul's UpdateCheck bookkeeping of CriticalTime for a status report.
  void note_status_update(Check& check, HealthStatus status) const;
  void start_registered_critical_time(Check& check) const;
  /// When the reaper may deregister the check's service; nullopt = not on the way out.
  std::optional<Clock::time_point> reap_due(const Check& check) const;
  Check make_service_check(const Service& service, const CheckDefinition& def, std::size_t position,
                           std::size_t count) const;

  /// Keeps the agent's copy of an agent-owned service (with its checks) or check before a
  /// catalog write changes it; no-op for catalog-API entries or when already kept.
  void stash_service(const std::string& datacenter, const Node& node, const std::string& service_id);
  void stash_check(const std::string& datacenter, const Node& node, const std::string& check_id);
  /// The agent itself (re-)registered or deregistered it: nothing left to re-assert.
  bool forget_stashed_service(const std::string& datacenter, const std::string& node, const std::string& service_id);
  bool forget_stashed_check(const std::string& datacenter, const std::string& node, const std::string& check_id);

  /// Drops the session at `index` without committing: its keys released or deleted with
  /// their lock-delay, the sessions index moved.
  void drop_session(std::map<std::string, Session>::iterator it, std::uint64_t index);
  /// Consul invalidates a session in the same write that removes its node or makes a bound
  /// check critical or removes it; every commit checks that here, at the write's index.
  void invalidate_broken_sessions(std::uint64_t index);
  /// A random UUID, unused by any session.
  std::string new_uuid();

  const Clock& clock_;
  std::string local_datacenter_;
  std::map<std::string, NodeMap> datacenters_;
  struct ServiceNameIndex {
    std::uint64_t index = 0;     // last write touching the name
    std::size_t instances = 0;   // on every node of every datacenter
  };
  std::map<std::string, ServiceNameIndex> service_index_;  // lower-cased name, while it has instances
  std::uint64_t service_extinction_index_ = 0;             // 0 = no name has gone extinct yet
  std::uint64_t index_ = 1;
  std::function<void()> listener_;
  std::chrono::milliseconds deregister_critical_min_{0};
  std::map<std::pair<std::string, std::string>, AgentStash> stash_;  // by (datacenter, node)
  KvStore kv_;
  PreparedQueryStore queries_;
  EventLog events_;
  std::map<std::string, Session> sessions_;  // by ID
  std::uint64_t sessions_index_ = 0;
  std::mt19937_64 session_ids_{std::random_device{}()};  // session UUIDs, random as Consul's
};

template <class Change>
Catalog::Edit Catalog::edit_node(const std::string& datacenter, const std::string& name, Change&& change) {
  Node* node = mutable_node(datacenter, name);
  if (!node) return Edit::missing;
  const Edit edit = change(*node, index_ + 1);
  if (edit == Edit::changed) commit();
  return edit;
}

template <class Change>
Catalog::Edit Catalog::edit_check(const std::string& datacenter, const std::string& node, const std::string& check_id,
                                  Change&& change) {
  return edit_node(datacenter, node, [&](Node& n, std::uint64_t index) {
    auto it = n.checks.find(check_id);
    return it == n.checks.end() ? Edit::missing : change(n, it->second, index);
  });
}

/// Worst status among the checks (passing when there are none).
HealthStatus worst_status(const std::vector<const Check*>& checks);
/// ASCII case-insensitive equality (Consul matches service names and tags this way).
bool iequals(std::string_view a, std::string_view b);
std::string to_lower(std::string_view s);

}  // namespace fakes::consul
