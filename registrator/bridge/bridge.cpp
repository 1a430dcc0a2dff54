// A container's life: adding it (inspect, build its services, register them), removing it (and
// the -deregister on-success decision), and the event dispatch that triggers both.
#include "registrator/bridge/bridge.hpp"

#include <algorithm>
#include <cassert>

#include "registrator/app/log.hpp"
#include "registrator/mapping/service_builder.hpp"

namespace registrator {

Bridge::Bridge(DockerClient& docker, RegistryBackend& registry, Config config, Resolver resolver)
    : docker_(docker), registry_(registry), config_(std::move(config)), resolver_(std::move(resolver)) {}

std::map<std::string, std::vector<Service>> Bridge::services() const {
  check_owner();
  return services_;
}

void Bridge::add(const std::string& container_id) {
  check_owner();
  add_one(container_id, false);
}

void Bridge::remove(const std::string& container_id) {
  check_owner();
  remove_container(container_id, true);
}

void Bridge::remove_on_exit(const std::string& container_id, std::optional<int> exit_code) {
  check_owner();
  remove_container(container_id, should_remove(container_id, exit_code));
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

void Bridge::add_one(const std::string& container_id, bool quiet, std::optional<Inspected> prefetched) {
  PreparedAdd prepared = prepare_add(container_id, quiet, std::move(prefetched));
  for (const auto& line : prepared.lines) log::write(line);
  for (auto& service : prepared.services) try_register(prepared.container_id, std::move(service));
}

Bridge::PreparedAdd Bridge::prepare_add(const std::string& container_id, bool quiet,
                                               std::optional<Inspected> prefetched) {
  PreparedAdd out;
  out.container_id = container_id;
  if (auto d = dead_.find(container_id); d != dead_.end()) {
    services_[container_id] = std::move(d->second.services);
    dead_.erase(d);
  }
  if (services_.count(container_id)) {
    // (sic) upstream's log.Println spacing
    out.lines.push_back({log::Level::info, "container,  " + log::id12(container_id) + " , already exists, ignoring",
                         {{"event", "ignored"}, {"container_id", log::id12(container_id)}}});
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
      out.lines.push_back({log::Level::error,
                           "unable to inspect container: " + log::id12(container_id) + " No such container: " + container_id,
                           {{"event", "inspect failed"}, {"container_id", log::id12(container_id)},
                            {"error", "No such container: " + container_id}}});
      return out;
    }
  } catch (const std::exception& e) {
    // Garbage, a truncated answer, a 5xx or no answer: Docker may answer properly later, and
    // the start event will not come again, so the container is inspected again with back-off.
    PendingInspect& p = pending_inspects_[container_id];
    schedule_retry(p, now_());
    out.lines.push_back({log::Level::error,
                         "unable to inspect container: " + log::id12(container_id) + " " + e.what() + " (retrying in " +
                             std::to_string(p.delay.count()) + " ms)",
                         {{"event", "inspect failed"}, {"container_id", log::id12(container_id)}, {"error", e.what()},
                          {"retry_ms", std::to_string(p.delay.count())}}});
    return out;
  }
  pending_inspects_.erase(container_id);
  BuildContext ctx{config_, config_.hostname, resolver_, [this, &out](const std::string& id) {
                     try {
                       return docker_.inspect(id);
                     } catch (const std::exception& e) {
                       out.lines.push_back({log::Level::error,
                                            "unable to inspect network container: " + log::id12(id) + " " + e.what(),
                                            {{"event", "inspect failed"}, {"container_id", log::id12(id)}, {"error", e.what()}}});
                       return std::optional<nlohmann::json>();
                     }
                   }};
  BuildResult built = build_services(*container, ctx);
  for (auto& note : built.notes) {
    if (quiet && note.rfind("ignored:", 0) == 0) continue;
    // The service builder's notes are worded as upstream words them: level and fields from that.
    const log::Record record = log::classify(note);
    out.lines.push_back({record.level, std::move(note), record.fields});
  }
  std::string id = container->value("Id", container_id);
  if (!id.empty()) out.container_id = id;
  out.services = std::move(built.services);
  return out;
}

void Bridge::remove_container(const std::string& container_id, bool deregister) {
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
      for (const auto& service : it->second) try_deregister(key, service);
    if (auto d = dead_.find(key); d != dead_.end()) {
      for (const auto& service : d->second.services) try_deregister(key, service);
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
    log::write(log::Level::error,
               "registrator: error fetching status for container " + log::id12(container_id) + " on \"die\" event: " +
                   e.what(),
               {{"event", "inspect failed"}, {"container_id", log::id12(container_id)}, {"error", e.what()}});
    return false;
  }
  if (!c) {
    log::write(log::Level::warn,
               "registrator: container " + log::id12(container_id) + " was removed, could not fetch exit code",
               {{"container_id", log::id12(container_id)}});
    return true;
  }
  const auto state = c->value("State", nlohmann::json::object());
  if (state.is_object() && state.value("Running", false)) {
    log::write(log::Level::info, "registrator: not removing container " + log::id12(container_id) + ", still running",
               {{"container_id", log::id12(container_id)}});
    return false;
  }
  int code = state.is_object() && state.contains("ExitCode") && state["ExitCode"].is_number_integer()
                 ? state["ExitCode"].get<int>()
                 : -1;
  return code == 0 || (code >= 0 && (code & kSignaledBit) == kSignaledBit);
}

void Bridge::check_owner() const {
  // One owner, no lock (see bridge.hpp): a call from another thread is a wiring bug.
  assert(std::this_thread::get_id() == owner_ && "Bridge called from a thread that does not own it");
}

}  // namespace registrator
