// The registrator process: flags, backend, event pump, bridge and signal handling.
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "registrator/app/app.hpp"
#include "registrator/bridge/bridge.hpp"
#include "registrator/bridge/bridge_loop.hpp"
#include "registrator/docker/docker_http_client.hpp"
#include "registrator/docker/inspect_fields.hpp"
#include "registrator/docker/event_pump.hpp"
#include "registrator/app/flags.hpp"
#include "registrator/health/health_check_command.hpp"
#include "registrator/health/health_probes.hpp"
#include "registrator/health/health_server.hpp"
#include "registrator/health/health_state.hpp"
#include "registrator/app/log.hpp"
#include "registrator/backends/registry_factory.hpp"
#include "registrator/app/version.hpp"

namespace {

using namespace registrator;

std::string os_hostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return {};
  return buf;
}

// net.ResolveIPAddr("ip", host): first address, IPv4 preferred. Cached per host, so a
// name that does not resolve costs one lookup per process rather than one per service.
std::optional<std::string> resolve_host(const std::string& host) {
  static std::mutex mu;
  static std::map<std::string, std::optional<std::string>> cache;
  std::lock_guard lock(mu);
  if (auto it = cache.find(host); it != cache.end()) return it->second;
  std::optional<std::string> result;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (!host.empty() && getaddrinfo(host.c_str(), nullptr, &hints, &res) == 0) {
    std::optional<std::string> v6;
    for (addrinfo* a = res; a; a = a->ai_next) {
      char text[INET6_ADDRSTRLEN] = {};
      if (a->ai_family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr, text, sizeof text);
        result = text;
        break;
      }
      if (a->ai_family == AF_INET6 && !v6) {
        inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr, text, sizeof text);
        v6 = text;
      }
    }
    if (!result) result = v6;
    freeaddrinfo(res);
  }
  cache[host] = result;
  return result;
}

struct Shutdown {
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<bool> requested{false};
};

int fatal(const std::string& msg, const log::Fields& fields = {}) {
  log::write(log::Level::error, msg, fields);
  return 1;
}

}  // namespace

namespace registrator {

namespace {

// Waits for SIGINT/SIGTERM on a thread of its own and runs `on_signal` once. Joined when it goes
// out of scope (woken with a signal of its own if none came), so `on_signal` never runs after the
// objects it touches are gone: a detached thread could still be inside them as run_app returned.
class SignalWatcher {
 public:
  SignalWatcher(const sigset_t& signals, std::function<void(int)> on_signal)
      : thread_([this, signals, on_signal = std::move(on_signal)] {
          int sig = 0;
          sigwait(&signals, &sig);
          if (leaving_) return;
          on_signal(sig);
        }) {}
  ~SignalWatcher() {
    leaving_ = true;
    pthread_kill(thread_.native_handle(), SIGTERM);  // stays pending if the thread is past sigwait
    thread_.join();
  }
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  std::atomic<bool> leaving_{false};
  std::thread thread_;
};

}  // namespace

int run_app(int argc, char** argv, const AppHooks& hooks) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 1 && args[0] == "--version") {
    std::cout << version_text() << std::flush;
    return 0;
  }
  FlagsOutcome flags = parse_flags(args, argc > 0 ? argv[0] : "registrator");
  // A probe, not a registrator: no start-up line, only the probe's one line for the supervisor.
  if (flags.kind == FlagsOutcome::Kind::Run && flags.config.healthcheck)
    return run_health_check(*flags.config.healthcheck, std::cout);
  // Before the first line, so every line is in the format asked for (upstream logs "Starting"
  // before parsing its flags; the order of the lines is the same).
  if (flags.config.log_format == "json") log::set_format(log::Format::json);
  log::write(log::Level::info, "Starting registrator " + std::string(kVersion) + " ...",
             {{"version", std::string(kVersion)}, {"commit", commit_text()}});
  if (flags.kind == FlagsOutcome::Kind::Exit) {
    std::cout << flags.out << std::flush;
    std::cerr << flags.err << std::flush;
    if (!flags.fatal.empty()) log::write(log::Level::error, flags.fatal);
    return flags.exit_code;
  }
  Config config = flags.config;
  if (config.hostname.empty()) config.hostname = os_hostname();
  // The image sets it, so its HEALTHCHECK has an endpoint to probe while `docker run IMAGE
  // [upstream's flags] URI` stays as upstream's; -health-addr, when given, wins.
  if (const char* env = std::getenv("REGISTRATOR_HEALTH_ADDR"); env && *env && !config.health_addr) {
    std::string error;
    config.health_addr = parse_listen_address(env, error);
    if (!config.health_addr) return fatal("REGISTRATOR_HEALTH_ADDR=" + std::string(env) + ": " + error);
  }
  if (!config.host_ip.empty()) log::write(log::Level::info, "Forcing host IP to " + config.host_ip, {{"ip", config.host_ip}});

  // SIGINT/SIGTERM are handled by a dedicated thread; block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  const char* docker_host_env = std::getenv("DOCKER_HOST");
  http::Endpoint docker_endpoint;
  try {
    docker_endpoint = DockerHttpClient::endpoint_from_docker_host(docker_host_env ? docker_host_env : "");
  } catch (const std::exception& e) {
    return fatal(e.what());
  }
  DockerHttpClient docker_http(docker_endpoint);
  // A -tags template may read any member of the document; without one, the services need only a
  // few, and building the rest costs more than everything else at start-up.
  if (config.force_tags.find("{{") == std::string::npos) docker_http.keep_only(&inspect_fields_used());
  HealthState health;
  ObservedDocker docker(docker_http, health);

  RegistryBackendPtr registry;
  try {
    registry = make_registry(config.registry_uri);
    if (hooks.wrap_registry) registry = hooks.wrap_registry(std::move(registry));
  } catch (const std::exception& e) {
    return fatal(e.what());
  }
  const std::string backend = parse_adapter_uri(config.registry_uri).scheme;
  log::write(log::Level::info, "Using " + backend + " adapter: " + config.registry_uri,
             {{"backend", backend}, {"registry_uri", config.registry_uri}});

  // Up before the first ping, so a supervisor sees "starting" / "registry unreachable" while
  // registrator waits for its registry, and a taken address fails start-up at once.
  std::unique_ptr<HealthServer> health_server;
  std::unique_ptr<RegistryProbe> registry_probe;
  if (config.health_addr) {
    try {
      health_server = std::make_unique<HealthServer>(*config.health_addr, [&health] { return health.report(); });
      registry_probe = std::make_unique<RegistryProbe>(make_registry(config.registry_uri), health);
    } catch (const std::exception& e) {
      return fatal(e.what());
    }
    log::write(log::Level::info, "Health check on http://" + health_server->address() + "/health",
               {{"health_addr", health_server->address()}});
  }

  EventQueue<PumpItem> queue;
  Shutdown shutdown;
  SignalWatcher signal_watcher(signals, [&shutdown, &queue, &docker](int sig) {
    const std::string name = sig == SIGINT ? "SIGINT" : "SIGTERM";
    log::write(log::Level::info, "Received " + name + ", shutting down", {{"signal", name}});
    {
      // Set under the mutex: a waiter between checking the flag and sleeping would miss it.
      std::lock_guard<std::mutex> lock(shutdown.mu);
      shutdown.requested = true;
    }
    shutdown.cv.notify_all();
    queue.close();
    docker.cancel_events();
  });

  for (std::int64_t attempt = 0; config.retry_attempts == -1 || attempt <= config.retry_attempts; ++attempt) {
    log::write(log::Level::info,
               "Connecting to backend (" + std::to_string(attempt) + "/" + std::to_string(config.retry_attempts) + ")",
               {{"backend", backend}, {"attempt", std::to_string(attempt)}});
    try {
      registry->ping();
      health.registry_reachable();
      break;
    } catch (const std::exception& e) {
      health.registry_unreachable(e.what());
      if (attempt == config.retry_attempts) return fatal(e.what(), {{"backend", backend}, {"error", e.what()}});
      log::write(log::Level::error, e.what(), {{"backend", backend}, {"error", e.what()}});
    }
    std::unique_lock lock(shutdown.mu);
    if (shutdown.cv.wait_for(lock, std::chrono::milliseconds(config.retry_interval_ms),
                             [&] { return shutdown.requested.load(); })) {
      return 0;
    }
  }
  if (shutdown.requested) return 0;

  Bridge bridge(docker, *registry, config, resolve_host);

  // Start the event stream before listing containers so nothing is missed.
  EventPump pump(docker, queue);
  if (auto err = pump.start(std::chrono::seconds(30))) {
    if (shutdown.requested) return 0;
    return fatal("Docker event stream: " + *err, {{"error", *err}});
  }
  log::write(log::Level::info, "Listening for Docker events ...");

  try {
    bridge.sync(false);
  } catch (const std::exception& e) {
    pump.stop();
    return fatal(e.what());
  }
  health.sync_done();

  run_bridge_loop(bridge, queue, config);
  pump.stop();
  if (config.deregister_on_stop) {
    // One attempt per service: a registry that is down now is not waited for, so a stop
    // never hangs; what failed is named in the log.
    auto registered = bridge.services();
    log::write(log::Level::info, "Deregistering " + std::to_string(registered.size()) + " container(s) before exit");
    for (const auto& [container_id, services] : registered) bridge.remove(container_id);
    for (const auto& id : bridge.pending_deregistrations())
      log::write(log::Level::warn, "still registered after stop: " + id, {{"event", "still registered"}, {"service_id", id}});
  }
  log::write(log::Level::info, "Stopped");
  return 0;
}

}  // namespace registrator
