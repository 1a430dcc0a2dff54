#include "registrator/health/health_probes.hpp"

#include <optional>
#include <string>

#include "registrator/app/log.hpp"

namespace registrator {

namespace {

// Passes the stream through and reports its connection to HealthState.
class ObservingSink : public EventSink {
 public:
  ObservingSink(EventSink& inner, HealthState& health) : inner_(inner), health_(health) {}
  void on_connected() override {
    health_.docker_connected();
    inner_.on_connected();
  }
  void on_event(DockerEvent event) override { inner_.on_event(std::move(event)); }

 private:
  EventSink& inner_;
  HealthState& health_;
};

}  // namespace

std::string ObservedDocker::stream_events(std::optional<std::int64_t> since, EventSink& sink) {
  ObservingSink observing(sink, health_);
  std::string reason = inner_.stream_events(since, observing);
  // "cancelled" is our own shutdown, not Docker going away.
  if (reason != "cancelled") health_.docker_disconnected(reason);
  return reason;
}

RegistryProbe::RegistryProbe(RegistryBackendPtr backend, HealthState& health, std::chrono::milliseconds interval)
    : backend_(std::move(backend)), health_(health), interval_(interval), thread_([this] { run(); }) {}

RegistryProbe::~RegistryProbe() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void RegistryProbe::run() {
  while (true) {
    std::optional<std::string> error;
    {
      const log::MuteThisThread mute;  // ping() logs "current leader" each time
      try {
        backend_->ping();
      } catch (const std::exception& e) {
        error = e.what();
      }
    }
    if (error) health_.registry_unreachable(*error);
    else health_.registry_reachable();
    std::unique_lock lock(mu_);
    if (cv_.wait_for(lock, interval_, [this] { return stopping_; })) return;
  }
}

}  // namespace registrator
