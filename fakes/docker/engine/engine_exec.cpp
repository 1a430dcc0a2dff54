// Engine, what a container's process prints and what its exec commands answer. A fake
// container runs nothing: its output is the image's scripted lines (printed at each start) plus
// what the control API makes it print, and an exec is answered from the script, from the few
// commands every container has (below), or with the engine's "executable file not found".
#include "fakes/docker/engine/engine.hpp"

#include "fakes/docker/engine/docker_error.hpp"

namespace fakes::docker {

namespace {

// Commands whose answer follows from the container itself, so a test need not script them.
std::optional<ExecResult> built_in(const Container& c, const std::vector<std::string>& cmd) {
  const std::string key = command_key(cmd);
  if (key == "true") return ExecResult{};
  if (key == "false") return ExecResult{"", "", 1};
  if (key == "hostname" || key == "cat /etc/hostname") return ExecResult{c.config.hostname + "\n", "", 0};
  if (cmd.front() == "echo") return ExecResult{command_key({cmd.begin() + 1, cmd.end()}) + "\n", "", 0};
  return std::nullopt;
}

// runc's words for a command it cannot start, as containerd and the engine wrap them.
std::string not_found_text(const std::string& command) {
  const std::string why = command.find('/') == std::string::npos
                              ? "exec: \"" + command + "\": executable file not found in $PATH"
                              : "exec: \"" + command + "\": stat " + command + ": no such file or directory";
  return "OCI runtime exec failed: exec failed: unable to start container process: " + why + ": unknown";
}

constexpr int kExitCommandNotFound = 127;  // the engine's exitCmdNotFound
constexpr int kExitCannotExecute = 126;    // exitEaccess, what engines before 28 ended up reporting

}  // namespace

std::uint64_t Engine::subscribe_output(OutputListener listener) {
  const auto handle = next_output_handle_++;
  output_listeners_[handle] = std::move(listener);
  return handle;
}

void Engine::unsubscribe_output(std::uint64_t handle) { output_listeners_.erase(handle); }

void Engine::append_output(Container& c, LogEntry entry) {
  c.log.push_back(std::move(entry));
  while (c.log.size() > Container::kMaxLogEntries) c.log.pop_front();
  // Copy: a listener may unsubscribe itself or others (a follower that ends) while being told.
  const LogEntry entry_copy = c.log.back();
  auto listeners = output_listeners_;
  for (auto& [handle, listener] : listeners)
    if (output_listeners_.count(handle)) listener(c, entry_copy);
}

void Engine::print_start_lines(Container& c) {
  std::int64_t at = c.state.started_at;
  for (const auto& line : c.script.logs) append_output(c, LogEntry{line.stream, line.text + "\n", at++});
}

void Engine::print(const std::string& ref, OutputStream stream, const std::string& text) {
  Container& c = mutable_get(ref);
  if (!c.state.running) throw DockerError(409, "Container " + c.id + " is not running: only a running process prints");
  if (text.empty()) return;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    append_output(c, LogEntry{stream, text.substr(pos, nl - pos) + "\n", now()});
    pos = nl + 1;
  }
}

void Engine::script_exec(const std::string& ref, const std::vector<std::string>& cmd, ExecResult result) {
  if (cmd.empty()) throw bad_parameter("control API: Cmd must name a command");
  mutable_get(ref).script.exec[command_key(cmd)] = std::move(result);
}

void Engine::require_exec_target(const Container& c) const {
  if (!c.state.running) throw DockerError(409, "Container " + c.id + " is not running");
  if (c.state.paused) throw DockerError(409, "Container " + c.id + " is paused, unpause the container before exec");
}

const ExecInstance& Engine::exec_create(const std::string& ref, ExecInstance request) {
  Container& c = mutable_get(ref);
  require_exec_target(c);
  if (request.cmd.empty()) throw bad_parameter("No exec command specified");
  request.id = ids_.next_id();
  request.container_id = c.id;
  const auto& stored = execs_[request.id] = std::move(request);
  emit_container(c, "exec_create: " + command_key(stored.cmd), {{"execID", stored.id}});
  return stored;
}

const ExecInstance& Engine::get_exec(const std::string& exec_id) const {
  auto it = execs_.find(exec_id);
  if (it == execs_.end()) throw DockerError(404, "No such exec instance: " + exec_id);
  return it->second;
}

const ExecInstance& Engine::active_exec(const std::string& exec_id) const {
  const ExecInstance& e = get_exec(exec_id);
  const Container* c = find(e.container_id);
  if (!c) throw no_such_container(exec_id);
  require_exec_target(*c);
  return e;
}

Engine::ExecRun Engine::exec_start(const std::string& exec_id, bool not_found_is_127) {
  active_exec(exec_id);
  ExecInstance& e = execs_.at(exec_id);
  if (e.started) throw DockerError(409, "exec command " + e.id + " has already run");
  Container& c = mutable_get(e.container_id);
  e.started = true;
  const std::string line = command_key(e.cmd);
  emit_container(c, "exec_start: " + line, {{"execID", e.id}});
  ExecRun run;
  std::optional<ExecResult> result;
  if (auto it = c.script.exec.find(line); it != c.script.exec.end()) result = it->second;
  else result = built_in(c, e.cmd);
  if (!result) {
    // The process never starts: no pid, no exec_die; the engine writes the error on the stream.
    run.failure = not_found_text(e.cmd.front());
    run.exit_code = not_found_is_127 ? kExitCommandNotFound : kExitCannotExecute;
    e.exit_code = run.exit_code;
    return run;
  }
  e.pid = next_pid_++;
  e.exit_code = result->exit_code;
  run.out = result->out;
  run.err = result->err;
  run.exit_code = result->exit_code;
  emit_container(c, "exec_die", {{"execID", e.id}, {"exitCode", std::to_string(run.exit_code)}});
  return run;
}

}  // namespace fakes::docker
