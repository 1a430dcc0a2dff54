// Engine, the fate of a container's process: start (ports and addresses first), the signals of
// stop and kill and which of them end it, exits, pause, health, and a daemon restart.
#include "fakes/docker/engine/engine.hpp"

#include "fakes/docker/engine/docker_error.hpp"

#include <algorithm>

namespace fakes::docker {

namespace {

bool signal_ends_process(int signal, const TermBehaviour& term) {
  if (signal == 9) return true;
  if (signal == 15) return !term.ignores_term;
  return signal == 1 || signal == 2 || signal == 3 || signal == 6;
}

}  // namespace

std::optional<int> parse_signal(const std::string& text) {
  static const std::map<std::string, int> names = {
      {"HUP", 1},   {"INT", 2},   {"QUIT", 3},  {"ILL", 4},   {"TRAP", 5},  {"ABRT", 6},   {"BUS", 7},
      {"FPE", 8},   {"KILL", 9},  {"USR1", 10}, {"SEGV", 11}, {"USR2", 12}, {"PIPE", 13},  {"ALRM", 14},
      {"TERM", 15}, {"CHLD", 17}, {"CONT", 18}, {"STOP", 19}, {"TSTP", 20}, {"WINCH", 28}};
  if (text.empty() || text.size() > 12) return std::nullopt;
  if (std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    int n = std::stoi(text);
    if (n < 1 || n > 64) return std::nullopt;
    return n;
  }
  std::string upper;
  for (char c : text) upper += static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  if (upper.rfind("SIG", 0) == 0) upper = upper.substr(3);
  auto it = names.find(upper);
  if (it == names.end()) return std::nullopt;
  return it->second;
}

void Engine::start(const std::string& ref) {
  Container& c = mutable_get(ref);
  if (c.state.paused) throw DockerError(409, "cannot start a paused container, try unpause instead");
  if (c.state.running) throw not_modified();
  if (c.host_config.network_mode.starts_with("container:")) {
    // As the engine at start: the other container must run, and from now on the mode names it
    // by its full ID whatever the user wrote.
    const Container& owner = get(c.host_config.network_mode.substr(10));
    if (!owner.state.running)
      throw DockerError(409, "cannot join network of a non running container: " + owner.id);
    c.host_config.network_mode = "container:" + owner.id;
  }
  // Publish ports first so a conflict leaves the container untouched.
  PortMap published;
  std::vector<std::pair<std::string, int>> claimed;
  auto fail = [&](const std::string& message) {
    for (const auto& [proto, port] : claimed) host_ports_.release(proto, port);
    throw DockerError(500, message);
  };
  if (c.endpoint.driver == "bridge") {
    PortMap wanted = c.host_config.port_bindings;
    if (c.host_config.publish_all_ports)
      for (const auto& port : c.config.exposed_ports)
        if (!wanted.count(port)) wanted[port] = {PortBinding{}};
    for (const auto& [port, bindings] : wanted) {
      const std::string proto = port.substr(port.find('/') + 1);
      for (const auto& b : bindings) {
        int host_port = 0;
        if (b.host_port.empty()) {
          auto p = host_ports_.claim_ephemeral(proto);
          if (!p) fail("no free host ports in the ephemeral range");
          host_port = *p;
        } else {
          host_port = std::atoi(b.host_port.c_str());
          if (!host_ports_.claim(proto, host_port))
            fail("driver failed programming external connectivity on endpoint " + c.name + ": Bind for " +
                 (b.host_ip.empty() ? "0.0.0.0" : b.host_ip) + ":" + b.host_port + " failed: port is already allocated");
        }
        claimed.emplace_back(proto, host_port);
        auto& out = published[port];
        if (b.host_ip.empty()) {
          // An unqualified binding listens on IPv4 and IPv6, and the engine reports both.
          out.push_back({"0.0.0.0", std::to_string(host_port)});
          out.push_back({"::", std::to_string(host_port)});
        } else {
          out.push_back({b.host_ip, std::to_string(host_port)});
        }
      }
    }
  }
  try {
    connect_network(c);
  } catch (const DockerError&) {
    release_network(c);
    for (const auto& [proto, port] : claimed) host_ports_.release(proto, port);
    throw;
  }
  c.published = std::move(published);
  c.state.status = "running";
  c.state.running = true;
  c.state.paused = false;
  c.state.exit_code = 0;
  c.state.pid = next_pid_++;
  c.state.started_at = now();
  if (!c.state.health.empty()) c.state.health = "starting";
  emit_container(c, "start");
  print_start_lines(c);
}

void Engine::end_process(Container& c, int exit_code) {
  ++c.revision;
  const std::int64_t finished = now();
  const std::int64_t exec_seconds = (finished - c.state.started_at) / 1'000'000'000;
  c.state.status = "exited";
  c.state.running = false;
  c.state.paused = false;
  c.state.exit_code = exit_code;
  c.state.pid = 0;
  c.state.finished_at = finished;
  if (!c.state.health.empty()) c.state.health = "unhealthy";
  emit_container(c, "die", {{"exitCode", std::to_string(exit_code)}, {"execDuration", std::to_string(exec_seconds)}});
  release_network(c);
}

bool Engine::stop_begin(const std::string& ref) {
  Container& c = mutable_get(ref);
  if (!c.state.running) throw not_modified();
  emit_container(c, "kill", {{"signal", "15"}});
  if (c.term.ignores_term) return false;
  end_process(c, c.term.exit_code);
  return true;
}

void Engine::stop_finish(const std::string& ref) { emit_container(get(ref), "stop"); }

void Engine::kill(const std::string& ref, int signal) {
  Container& c = mutable_get(ref);
  if (!c.state.running)
    throw DockerError(409, "Cannot kill container: " + ref + ": Container " + c.id + " is not running");
  emit_container(c, "kill", {{"signal", std::to_string(signal)}});
  if (signal_ends_process(signal, c.term)) end_process(c, signal == 15 ? c.term.exit_code : 128 + signal);
}

void Engine::exit(const std::string& ref, int exit_code) {
  Container& c = mutable_get(ref);
  if (!c.state.running) throw DockerError(409, "Container " + c.id + " is not running");
  end_process(c, exit_code);
}

void Engine::pause(const std::string& ref) {
  Container& c = mutable_get(ref);
  if (!c.state.running) throw DockerError(409, "Container " + c.id + " is not running");
  if (c.state.paused) throw DockerError(409, "Container " + c.id + " is already paused");
  c.state.paused = true;
  c.state.status = "paused";
  emit_container(c, "pause");
}

void Engine::unpause(const std::string& ref) {
  Container& c = mutable_get(ref);
  if (!c.state.paused) throw DockerError(409, "Container " + c.id + " is not paused");
  c.state.paused = false;
  c.state.status = "running";
  emit_container(c, "unpause");
}

void Engine::record_restart(const std::string& ref) { emit_container(get(ref), "restart"); }

void Engine::set_term_behaviour(const std::string& ref, TermBehaviour behaviour) { mutable_get(ref).term = behaviour; }

void Engine::set_health(const std::string& ref, const std::string& status) {
  if (status != "starting" && status != "healthy" && status != "unhealthy")
    throw bad_parameter("health status must be starting, healthy or unhealthy, not \"" + status + "\"");
  Container& c = mutable_get(ref);
  c.state.health = status;
  emit_container(c, "health_status: " + status);
}

void Engine::restart_daemon(bool live_restore) {
  if (!live_restore) {
    for (auto& c : containers_) {
      if (!c->state.running) continue;
      end_process(*c, c->term.ignores_term ? 137 : c->term.exit_code);
    }
  }
  events_.clear();  // the new daemon remembers nothing
}

}  // namespace fakes::docker
