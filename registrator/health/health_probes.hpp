#pragma once
// The two feeds of HealthState that watch peers:
//  * ObservedDocker wraps the DockerClient the event pump and the bridge use and tells
//    HealthState when the event stream connects and ends (the pump reconnects by itself);
//  * RegistryProbe pings the registry every kInterval on a thread of its own with a backend of
//    its own (the bridge's belongs to the main thread), so an outage shows on /health even when
//    nothing is being registered. Its pings are not logged; HealthState logs the changes.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "registrator/health/health_state.hpp"
#include "registrator/backends/registry.hpp"
#include "registrator/docker/docker_client.hpp"

namespace registrator {

class ObservedDocker : public DockerClient {
 public:
  ObservedDocker(DockerClient& inner, HealthState& health) : inner_(inner), health_(health) {}

  // DockerClient: everything is the inner client's; stream_events() is watched.
  std::vector<std::string> list_containers(const std::vector<std::string>& status = {}) override {
    return inner_.list_containers(status);
  }
  std::optional<nlohmann::json> inspect(const std::string& id) override { return inner_.inspect(id); }
  std::vector<Inspected> inspect_many(const std::vector<std::string>& ids) override { return inner_.inspect_many(ids); }
  std::string stream_events(std::optional<std::int64_t> since, EventSink& sink) override;
  void cancel_events() override { inner_.cancel_events(); }

 private:
  DockerClient& inner_;
  HealthState& health_;
};

class RegistryProbe {
 public:
  static constexpr std::chrono::seconds kInterval{5};

  /// Starts pinging at once, then every `interval`.
  RegistryProbe(RegistryBackendPtr backend, HealthState& health, std::chrono::milliseconds interval = kInterval);
  /// Stops and joins (a ping in flight ends at its own timeout, 10 s at most for Consul).
  ~RegistryProbe();
  RegistryProbe(const RegistryProbe&) = delete;
  RegistryProbe& operator=(const RegistryProbe&) = delete;

 private:
  void run();

  RegistryBackendPtr backend_;
  HealthState& health_;
  std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace registrator
