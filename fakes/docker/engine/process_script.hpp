#pragma once
// What a fake container's process "does", since it runs nothing: the lines it prints when it
// starts and what each exec command prints and returns. Declared per image in the --images file
// under the fake-only key "FakeProcess", and changed per container through the control API:
//   "FakeProcess": {
//     "Logs": ["listening on :80", {"stderr": "no config, using defaults"}],
//     "Exec": {"cat /etc/motd": {"Stdout": "hello\n", "Stderr": "", "ExitCode": 0}}
//   }
// An exec command is matched by its words joined with single spaces ("cat /etc/motd").

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace fakes::docker {

/// The engine's stream numbers (stdcopy): 1 stdout, 2 stderr.
enum class OutputStream : std::uint8_t { out = 1, err = 2 };

struct ScriptedLine {
  OutputStream stream = OutputStream::out;
  std::string text;  // without the newline
};

struct ExecResult {
  std::string out;
  std::string err;
  int exit_code = 0;
};

struct ProcessScript {
  std::vector<ScriptedLine> logs;          // printed at every start, in order
  std::map<std::string, ExecResult> exec;  // by command_key()
};

/// A line the process printed, as the log driver keeps it.
struct LogEntry {
  OutputStream stream = OutputStream::out;
  std::string line;  // newline included, as the engine's json-file driver returns it
  std::int64_t time_nano = 0;
};

class ScriptError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// "FakeProcess" of an image. Throws ScriptError naming `where` and the field at fault.
ProcessScript parse_process_script(const nlohmann::json& j, const std::string& where);
/// {"Stdout": "...", "Stderr": "...", "ExitCode": N}; unknown keys are refused.
ExecResult parse_exec_result(const nlohmann::json& j, const std::string& where);
/// The words joined by single spaces: how Exec entries are keyed.
std::string command_key(const std::vector<std::string>& argv);

}  // namespace fakes::docker
