#include "registrator/bridge/bridge.hpp"

#include <algorithm>
#include <regex>
#include <set>
#include <string_view>

#include "registrator/app/log.hpp"
#include "registrator/mapping/service_builder.hpp"

namespace registrator {

Bridge::Bridge(DockerClient& docker, RegistryBackend& registry, Config config, Resolver resolver)
    : docker_(docker), registry_(registry), config_(std::move(config)), resolver_(std::move(resolver)) {}

std::map<std::string, std::vector<Service>> Bridge::services() const {
  std::lock_guard lock(mu_);
  return services_;
}

void Bridge::add(const std::string& container_id) {
  std::lock_guard lock(mu_);
  add_locked(container_id, false);
}

void Bridge::remove(const std::string& container_id) {
  std::lock_guard lock(mu_);
  remove_locked(container_id, true);
}

void Bridge::remove_on_exit(const std::string& container_id, std::optional<int> exit_code) {
  std::lock_guard lock(mu_);
  remove_locked(container_id, should_remove(container_id, exit_code));
}

void Bridge::handle_event(const DockerEvent& event) {
  if (event.action == "start") {
    add(event.id);
  } else if (event.action == "die") {
    std::optional<int> code;
    if (auto it = event.attributes.find("exitCode"); it != event.attributes.end()) {
      try {
        std::size_t used = 0;
        int v = std::stoi(it->second, &used);
        if (used == it->second.size()) code = v;
      } catch (const std::exception&) {
      }
    }
    remove_on_exit(event.id, code);
  }
}

void Bridge::add_locked(const std::string& container_id, bool quiet, std::optional<Inspected> prefetched) {
  PreparedAdd prepared = prepare_add_locked(container_id, quiet, std::move(prefetched));
  for (const auto& line : prepared.lines) log::line(line);
  for (auto& service : prepared.services) register_locked(prepared.container_id, std::move(service));
}

Bridge::PreparedAdd Bridge::prepare_add_locked(const std::string& container_id, bool quiet,
                                               std::optional<Inspected> prefetched) {
  PreparedAdd out;
  out.container_id = container_id;
  if (auto d = dead_.find(container_id); d != dead_.end()) {
    services_[container_id] = std::move(d->second.services);
    dead_.erase(d);
  }
  if (services_.count(container_id)) {
    // (sic) upstream's log.Println spacing
    out.lines.push_back("container,  " + log::id12(container_id) + " , already exists, ignoring");
    return out;
  }
  std::optional<nlohmann::json> container;
  try {
    if (prefetched) {
      if (prefetched->error) std::rethrow_exception(prefetched->error);
      container = std::move(prefetched->container);
    } else {
      container = docker_.inspect(container_id);
    }
    if (!container) {
      pending_inspects_.erase(container_id);
      out.lines.push_back("unable to inspect container: " + log::id12(container_id) + " No such container: " + container_id);
      return out;
    }
  } catch (const std::exception& e) {
    // Garbage, a truncated answer, a 5xx or no answer: Docker may answer properly later, and
    // the start event will not come again, so the container is inspected again with back-off.
    PendingInspect& p = pending_inspects_[container_id];
    schedule_retry(p, now_());
    out.lines.push_back("unable to inspect container: " + log::id12(container_id) + " " + e.what() + " (retrying in " +
                        std::to_string(p.delay.count()) + " ms)");
    return out;
  }
  pending_inspects_.erase(container_id);
  BuildContext ctx{config_, config_.hostname, resolver_, [this, &out](const std::string& id) {
                     try {
                       return docker_.inspect(id);
                     } catch (const std::exception& e) {
                       out.lines.push_back("unable to inspect network container: " + log::id12(id) + " " + e.what());
                       return std::optional<nlohmann::json>();
                     }
                   }};
  BuildResult built = build_services(*container, ctx);
  for (auto& note : built.notes) {
    if (quiet && note.rfind("ignored:", 0) == 0) continue;
    out.lines.push_back(std::move(note));
  }
  std::string id = container->value("Id", container_id);
  if (!id.empty()) out.container_id = id;
  out.services = std::move(built.services);
  return out;
}

namespace {

// The backend answered, so it did not apply the request (0: no answer, it may have).
bool answered(const std::exception& e) {
  const auto* re = dynamic_cast<const RegistryError*>(&e);
  return re && re->http_status() != 0;
}

// A deregistration answered "no such service" (Consul 404, or 500 "Unknown service" from old
// agents): there is nothing left to remove.
bool not_registered(const std::exception& e) {
  const auto* re = dynamic_cast<const RegistryError*>(&e);
  if (!re) return false;
  return re->http_status() == 404 ||
         (re->http_status() != 0 && std::string_view(re->what()).find("Unknown service") != std::string_view::npos);
}

}  // namespace

void Bridge::schedule_retry(Pending& p, Clock::time_point now) {
  p.delay = p.delay.count() == 0 ? policy_.initial : std::min(p.delay * 2, policy_.max);
  p.due = now + p.delay;
}

void Bridge::schedule_retry(PendingInspect& p, Clock::time_point now) {
  p.delay = p.delay.count() == 0 ? policy_.initial : std::min(p.delay * 2, policy_.max);
  p.due = now + p.delay;
}

void Bridge::register_locked(const std::string& container_id, Service service) {
  std::exception_ptr error;
  try {
    registry_.register_service(service);
  } catch (...) {
    error = std::current_exception();
  }
  registered_locked(container_id, std::move(service), error);
}

void Bridge::registered_locked(const std::string& container_id, Service service, std::exception_ptr error) {
  if (error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      log::line("register failed: " + service.id + " " + e.what());
      auto [it, fresh] = pending_.try_emplace(service.id);
      Pending& p = it->second;
      if (!fresh && p.op == Pending::Op::Deregister) {
        // A start supersedes the pending deregistration of an earlier registration under this ID;
        // that one is probably still in the registry, so a later die must deregister.
        p = Pending{};
        p.maybe_applied = true;
      }
      p.op = Pending::Op::Register;
      p.container_id = container_id;
      p.service = std::move(service);
      if (!answered(e)) p.maybe_applied = true;
      schedule_retry(p, now_());
      return;
    }
  }
  pending_.erase(service.id);
  log::line("added: " + log::id12(container_id) + " " + service.id);
  auto& known = services_[container_id];
  auto same = std::find_if(known.begin(), known.end(), [&](const Service& s) { return s.id == service.id; });
  if (same != known.end()) {
    *same = std::move(service);
  } else {
    known.push_back(std::move(service));
  }
}

void Bridge::deregister_locked(const std::string& container_id, const Service& service) {
  try {
    registry_.deregister(service);
  } catch (const std::exception& e) {
    log::line("deregister failed: " + service.id + " " + e.what());
    if (not_registered(e)) {
      pending_.erase(service.id);
      return;
    }
    auto [it, fresh] = pending_.try_emplace(service.id);
    Pending& p = it->second;
    if (!fresh && p.op != Pending::Op::Deregister) p = Pending{};
    p.op = Pending::Op::Deregister;
    p.container_id = container_id;
    p.service = service;
    schedule_retry(p, now_());
    return;
  }
  pending_.erase(service.id);
  log::line("removed: " + log::id12(container_id) + " " + service.id);
}

void Bridge::drop_pending_registrations(const std::string& container_id, bool deregister) {
  std::vector<Pending> dropped;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.op == Pending::Op::Register && it->second.container_id == container_id) {
      dropped.push_back(std::move(it->second));
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& p : dropped) {
    if (deregister && p.maybe_applied) {
      // An attempt got no answer: it may have been applied, so remove it to be sure.
      deregister_locked(container_id, p.service);
    } else {
      log::line("register abandoned: " + log::id12(container_id) + " " + p.service.id + " (container died)");
    }
  }
}

void Bridge::retry_pending() {
  std::lock_guard lock(mu_);
  const auto now = now_();
  std::vector<std::string> due;
  for (const auto& [id, p] : pending_)
    if (p.due <= now) due.push_back(id);
  for (const auto& id : due) {
    auto it = pending_.find(id);
    if (it == pending_.end()) continue;
    Pending p = it->second;
    if (p.op == Pending::Op::Register) {
      register_locked(p.container_id, std::move(p.service));
    } else {
      deregister_locked(p.container_id, p.service);
    }
  }
  std::vector<std::string> inspect_due;
  for (const auto& [id, p] : pending_inspects_)
    if (p.due <= now) inspect_due.push_back(id);
  for (const auto& id : inspect_due)
    if (pending_inspects_.count(id)) add_locked(id, false);
  if (pending_reconcile_ && pending_reconcile_->due <= now) reconcile_locked();
}

std::optional<Bridge::Clock::time_point> Bridge::next_retry() const {
  std::lock_guard lock(mu_);
  std::optional<Clock::time_point> next;
  for (const auto& [_, p] : pending_)
    if (!next || p.due < *next) next = p.due;
  for (const auto& [_, p] : pending_inspects_)
    if (!next || p.due < *next) next = p.due;
  if (pending_reconcile_ && (!next || pending_reconcile_->due < *next)) next = pending_reconcile_->due;
  return next;
}

std::vector<std::string> Bridge::pending_inspects() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [id, _] : pending_inspects_) out.push_back(id);
  return out;
}

std::vector<std::string> Bridge::pending_registrations() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [id, p] : pending_)
    if (p.op == Pending::Op::Register) out.push_back(id);
  return out;
}

std::vector<std::string> Bridge::pending_deregistrations() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [id, p] : pending_)
    if (p.op == Pending::Op::Deregister) out.push_back(id);
  return out;
}

void Bridge::set_clock(NowFn now) {
  std::lock_guard lock(mu_);
  now_ = std::move(now);
}

void Bridge::set_retry_policy(RetryPolicy policy) {
  std::lock_guard lock(mu_);
  policy_ = policy;
}

void Bridge::remove_locked(const std::string& container_id, bool deregister) {
  // Events may name a container by a prefix of its id; find the full id we know.
  std::string key = container_id;
  auto has_pending = [&](const std::string& id) {
    return std::any_of(pending_.begin(), pending_.end(), [&](const auto& kv) {
      return kv.second.op == Pending::Op::Register && kv.second.container_id == id;
    });
  };
  if (!services_.count(key) && !dead_.count(key) && !has_pending(key) && container_id.size() >= 12) {
    for (const auto& [id, _] : services_)
      if (id.rfind(container_id, 0) == 0) key = id;
    for (const auto& [_, p] : pending_)
      if (p.op == Pending::Op::Register && p.container_id.rfind(container_id, 0) == 0) key = p.container_id;
  }
  if (deregister) {
    // A failed deregistration stays pending and is retried by retry_pending().
    if (auto it = services_.find(key); it != services_.end())
      for (const auto& service : it->second) deregister_locked(key, service);
    if (auto d = dead_.find(key); d != dead_.end()) {
      for (const auto& service : d->second.services) deregister_locked(key, service);
      dead_.erase(d);
    }
  } else if (config_.ttl != 0 && services_.count(key)) {
    dead_[key] = DeadContainer{config_.ttl, services_[key]};
  }
  // The container is gone: whatever of it never got registered is not retried any more.
  drop_pending_registrations(key, deregister);
  pending_inspects_.erase(key);
  if (key != container_id) pending_inspects_.erase(container_id);
  services_.erase(key);
}

bool Bridge::should_remove(const std::string& container_id, std::optional<int> exit_code) {
  if (config_.deregister == "always") return true;
  constexpr int kSignaledBit = 128;
  if (exit_code) return *exit_code == 0 || (*exit_code & kSignaledBit) == kSignaledBit;
  std::optional<nlohmann::json> c;
  try {
    c = docker_.inspect(container_id);
  } catch (const std::exception& e) {
    log::line("registrator: error fetching status for container " + log::id12(container_id) +
              " on \"die\" event: " + e.what());
    return false;
  }
  if (!c) {
    log::line("registrator: container " + log::id12(container_id) + " was removed, could not fetch exit code");
    return true;
  }
  const auto state = c->value("State", nlohmann::json::object());
  if (state.is_object() && state.value("Running", false)) {
    log::line("registrator: not removing container " + log::id12(container_id) + ", still running");
    return false;
  }
  int code = state.is_object() && state.contains("ExitCode") && state["ExitCode"].is_number_integer()
                 ? state["ExitCode"].get<int>()
                 : -1;
  return code == 0 || (code >= 0 && (code & kSignaledBit) == kSignaledBit);
}

void Bridge::refresh() {
  std::lock_guard lock(mu_);
  for (auto it = dead_.begin(); it != dead_.end();) {
    it->second.ttl -= config_.ttl_refresh;
    it = it->second.ttl <= 0 ? dead_.erase(it) : std::next(it);
  }
  for (const auto& [id, services] : services_) {
    for (const auto& service : services) {
      try {
        registry_.refresh(service);
      } catch (const std::exception& e) {
        log::line("refresh failed: " + service.id + " " + e.what());
        continue;
      }
      log::line("refreshed: " + log::id12(id) + " " + service.id);
    }
  }
}

void Bridge::sync(bool quiet) {
  std::lock_guard lock(mu_);
  std::vector<std::string> ids;
  try {
    ids = docker_.list_containers();
  } catch (const std::exception& e) {
    if (!quiet) throw;
    log::line(std::string("error listing containers, skipping sync: ") + e.what());
    return;
  }
  log::line("Syncing services on " + std::to_string(ids.size()) + " containers");
  // Unknown containers are inspected a window ahead on another thread (their own Docker
  // requests, in list order), so Docker's and the registry's round trips overlap.
  std::vector<std::string> unknown;
  for (const auto& id : ids)
    if (!services_.count(id)) unknown.push_back(id);
  constexpr std::size_t kInspectWindow = 64;
  InspectPrefetcher prefetch(docker_, unknown, kInspectWindow);
  std::vector<char> is_unknown(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) is_unknown[i] = !services_.count(ids[i]);
  for (std::size_t i = 0; i < ids.size();) {
    if (is_unknown[i]) {
      // A run of unknown containers is added as a batch: their registrations go to the registry
      // together (register_many), and the log reads as if each were added in turn.
      std::vector<PreparedAdd> batch;
      for (; i < ids.size() && is_unknown[i] && batch.size() < kRegisterBatch; ++i)
        batch.push_back(prepare_add_locked(ids[i], quiet, prefetch.next()));
      std::vector<const Service*> services;
      for (const auto& added : batch)
        for (const auto& service : added.services) services.push_back(&service);
      auto errors = registry_.register_many(services);
      std::size_t k = 0;
      for (auto& added : batch) {
        for (const auto& line : added.lines) log::line(line);
        for (auto& service : added.services) registered_locked(added.container_id, std::move(service), errors[k++]);
      }
      continue;
    }
    for (const auto& service : services_.find(ids[i])->second) {
      try {
        registry_.register_service(service);
      } catch (const std::exception& e) {
        log::line("sync register failed: " + service.id + " " + e.what());
      }
    }
    ++i;
  }
  if (config_.cleanup) cleanup_locked();
}

void Bridge::reconcile() {
  std::lock_guard lock(mu_);
  reconcile_locked();
}

void Bridge::reconcile_locked() {
  std::vector<std::string> running;
  try {
    running = docker_.list_containers();
  } catch (const std::exception& e) {
    // Events missed while disconnected are only recovered by this list: try it again later.
    if (!pending_reconcile_) pending_reconcile_.emplace();
    schedule_retry(*pending_reconcile_, now_());
    log::line(std::string("error listing containers, reconcile again in ") +
              std::to_string(pending_reconcile_->delay.count()) + " ms: " + e.what());
    return;
  }
  pending_reconcile_.reset();
  std::set<std::string> alive(running.begin(), running.end());
  std::vector<std::string> gone;
  for (const auto& [id, _] : services_)
    if (!alive.count(id)) gone.push_back(id);
  for (const auto& id : gone) {
    log::line("stale: container " + log::id12(id) + " is no longer running");
    remove_locked(id, should_remove(id, std::nullopt));
  }
  sync(true);
}

void Bridge::cleanup_locked() {
  log::line("Listing non-exited containers");
  std::vector<std::string> non_exited;
  try {
    non_exited = docker_.list_containers({"created", "restarting", "running", "paused"});
  } catch (const std::exception& e) {
    log::line(std::string("error listing nonExitedContainers, skipping sync ") + e.what());
    return;
  }
  std::set<std::string> alive(non_exited.begin(), non_exited.end());
  std::vector<std::string> stale;
  for (const auto& [id, _] : services_)
    if (!alive.count(id)) stale.push_back(id);
  for (const auto& id : stale) {
    log::line("stale: Removing service " + id + " because it does not exist");
    remove_locked(id, should_remove(id, std::nullopt));
  }

  log::line("Cleaning up dangling services");
  std::vector<Service> external;
  try {
    external = registry_.services();
  } catch (const std::exception& e) {
    log::line(std::string("cleanup failed: ") + e.what());
    return;
  }
  static const std::regex pattern(R"(^(.+?):([a-zA-Z0-9][a-zA-Z0-9_.-]+):[0-9]+(?::udp)?$)");
  for (const auto& ext : external) {
    std::smatch m;
    if (!std::regex_match(ext.id, m, pattern)) continue;  // not registered by us
    if (m[1].str() != config_.hostname) continue;          // registered on a different host
    const std::string container_name = m[2].str();
    bool known = false;
    for (const auto& [_, services] : services_) {
      for (const auto& s : services) {
        if (s.name == ext.name && s.origin.container_name == container_name) known = true;
      }
    }
    if (known) continue;
    log::line("dangling: " + ext.id);
    try {
      registry_.deregister(ext);
    } catch (const std::exception& e) {
      log::line("deregister failed: " + ext.id + " " + e.what());
      continue;
    }
    log::line(ext.id + " removed");
  }
}

}  // namespace registrator
