#include "fakes/docker/engine/process_script.hpp"

namespace fakes::docker {

namespace {

std::string text_field(const nlohmann::json& j, const std::string& where) {
  if (!j.is_string()) throw ScriptError(where + " must be a string");
  return j.get<std::string>();
}

ScriptedLine parse_line(const nlohmann::json& j, const std::string& where) {
  if (j.is_string()) return {OutputStream::out, j.get<std::string>()};
  if (!j.is_object() || j.size() != 1)
    throw ScriptError(where + " must be a string (a stdout line) or {\"stdout\": \"...\"} or {\"stderr\": \"...\"}");
  const auto first = j.begin();  // (items() would be a temporary the binding outlives)
  const std::string key = first.key();
  const nlohmann::json& value = first.value();
  if (key != "stdout" && key != "stderr")
    throw ScriptError(where + ": unknown stream \"" + key + "\" (want stdout or stderr)");
  std::string text = text_field(value, where + "." + key);
  if (text.find('\n') != std::string::npos) throw ScriptError(where + ": one line per entry (no newline inside)");
  return {key == "stdout" ? OutputStream::out : OutputStream::err, std::move(text)};
}

}  // namespace

std::string command_key(const std::vector<std::string>& argv) {
  std::string key;
  for (const auto& word : argv) key += (key.empty() ? "" : " ") + word;
  return key;
}

ExecResult parse_exec_result(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw ScriptError(where + " must be an object like {\"Stdout\": \"...\", \"ExitCode\": 0}");
  ExecResult result;
  for (const auto& [key, value] : j.items()) {
    if (key == "Stdout") {
      result.out = text_field(value, where + ".Stdout");
    } else if (key == "Stderr") {
      result.err = text_field(value, where + ".Stderr");
    } else if (key == "ExitCode") {
      if (!value.is_number_integer() || value.get<std::int64_t>() < 0 || value.get<std::int64_t>() > 255)
        throw ScriptError(where + ".ExitCode must be an integer from 0 to 255");
      result.exit_code = value.get<int>();
    } else {
      throw ScriptError(where + ": unknown key \"" + key + "\" (want Stdout, Stderr, ExitCode)");
    }
  }
  return result;
}

ProcessScript parse_process_script(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw ScriptError(where + " must be an object with Logs and/or Exec");
  ProcessScript script;
  for (const auto& [key, value] : j.items()) {
    if (key == "Logs") {
      if (!value.is_array()) throw ScriptError(where + ".Logs must be an array of lines");
      for (std::size_t i = 0; i < value.size(); ++i)
        script.logs.push_back(parse_line(value[i], where + ".Logs[" + std::to_string(i) + "]"));
    } else if (key == "Exec") {
      if (!value.is_object()) throw ScriptError(where + ".Exec must be an object mapping a command line to its result");
      for (const auto& [command, result] : value.items()) {
        if (command.empty() || command.front() == ' ' || command.back() == ' ' || command.find("  ") != std::string::npos)
          throw ScriptError(where + ".Exec: command \"" + command + "\" must be words separated by single spaces");
        script.exec[command] = parse_exec_result(result, where + ".Exec[\"" + command + "\"]");
      }
    } else {
      throw ScriptError(where + ": unknown key \"" + key + "\" (want Logs, Exec)");
    }
  }
  return script;
}

}  // namespace fakes::docker
