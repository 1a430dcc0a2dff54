// Registry attempts and what is left pending after a failed one (registrations, deregistrations,
// inspects, reconciles), retried with back-off by retry_pending() from the owner's loop.
#include "registrator/bridge/bridge.hpp"

#include <algorithm>
#include <string_view>

#include "registrator/app/log.hpp"

namespace registrator {

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

void Bridge::try_register(const std::string& container_id, Service service) {
  std::exception_ptr error;
  try {
    registry_.register_service(service);
  } catch (...) {
    error = std::current_exception();
  }
  registered(container_id, std::move(service), error);
}

void Bridge::registered(const std::string& container_id, Service service, std::exception_ptr error) {
  if (error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      log::write(log::Level::error, "register failed: " + service.id + " " + e.what(),
                 {{"event", "register failed"}, {"container_id", log::id12(container_id)}, {"service_id", service.id},
                  {"error", e.what()}});
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
  log::write(log::Level::info, "added: " + log::id12(container_id) + " " + service.id,
             {{"event", "added"}, {"container_id", log::id12(container_id)}, {"service_id", service.id},
              {"service_name", service.name}});
  auto& known = services_[container_id];
  auto same = std::find_if(known.begin(), known.end(), [&](const Service& s) { return s.id == service.id; });
  if (same != known.end()) {
    *same = std::move(service);
  } else {
    known.push_back(std::move(service));
  }
}

void Bridge::try_deregister(const std::string& container_id, const Service& service) {
  try {
    registry_.deregister(service);
  } catch (const std::exception& e) {
    log::write(log::Level::error, "deregister failed: " + service.id + " " + e.what(),
               {{"event", "deregister failed"}, {"container_id", log::id12(container_id)}, {"service_id", service.id},
                {"error", e.what()}});
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
  log::write(log::Level::info, "removed: " + log::id12(container_id) + " " + service.id,
             {{"event", "removed"}, {"container_id", log::id12(container_id)}, {"service_id", service.id},
              {"service_name", service.name}});
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
      try_deregister(container_id, p.service);
    } else {
      log::write(log::Level::warn, "register abandoned: " + log::id12(container_id) + " " + p.service.id + " (container died)",
                 {{"event", "register abandoned"}, {"container_id", log::id12(container_id)}, {"service_id", p.service.id}});
    }
  }
}

void Bridge::retry_pending() {
  check_owner();
  const auto now = now_();
  std::vector<std::string> due;
  for (const auto& [id, p] : pending_)
    if (p.due <= now) due.push_back(id);
  for (const auto& id : due) {
    auto it = pending_.find(id);
    if (it == pending_.end()) continue;
    Pending p = it->second;
    if (p.op == Pending::Op::Register) {
      try_register(p.container_id, std::move(p.service));
    } else {
      try_deregister(p.container_id, p.service);
    }
  }
  std::vector<std::string> inspect_due;
  for (const auto& [id, p] : pending_inspects_)
    if (p.due <= now) inspect_due.push_back(id);
  for (const auto& id : inspect_due)
    if (pending_inspects_.count(id)) add_one(id, false);
  if (pending_reconcile_ && pending_reconcile_->due <= now) reconcile();
}

std::optional<Bridge::Clock::time_point> Bridge::next_retry() const {
  check_owner();
  std::optional<Clock::time_point> next;
  for (const auto& [_, p] : pending_)
    if (!next || p.due < *next) next = p.due;
  for (const auto& [_, p] : pending_inspects_)
    if (!next || p.due < *next) next = p.due;
  if (pending_reconcile_ && (!next || pending_reconcile_->due < *next)) next = pending_reconcile_->due;
  return next;
}

std::vector<std::string> Bridge::pending_inspects() const {
  check_owner();
  std::vector<std::string> out;
  for (const auto& [id, _] : pending_inspects_) out.push_back(id);
  return out;
}

std::vector<std::string> Bridge::pending_registrations() const {
  check_owner();
  std::vector<std::string> out;
  for (const auto& [id, p] : pending_)
    if (p.op == Pending::Op::Register) out.push_back(id);
  return out;
}

std::vector<std::string> Bridge::pending_deregistrations() const {
  check_owner();
  std::vector<std::string> out;
  for (const auto& [id, p] : pending_)
    if (p.op == Pending::Op::Deregister) out.push_back(id);
  return out;
}

void Bridge::set_clock(NowFn now) {
  check_owner();
  now_ = std::move(now);
}

void Bridge::set_retry_policy(RetryPolicy policy) {
  check_owner();
  policy_ = policy;
}

}  // namespace registrator
