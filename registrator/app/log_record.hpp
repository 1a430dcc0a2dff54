#pragma once
// One log line as a record (time, level, message, fields) and its JSON form; pure, so the
// -log-format json mapping is tested without a process.
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace registrator::log {

enum class Level { debug, info, warn, error };

/// Extra key/value pairs of a line, in the order they are written.
using Fields = std::vector<std::pair<std::string, std::string>>;

struct Record {
  std::chrono::system_clock::time_point time;
  Level level = Level::info;
  std::string message;
  Fields fields;
};

/// "debug", "info", "warn", "error".
std::string_view level_name(Level level);

/// Level and fields of a line worded as upstream words it: "added: <id12> <service id>" is info
/// with event/container_id/service_id; "register failed: <service id> <error>" is error with
/// event/service_id/error; a line naming a failure, an error or an ignored event is warn or error;
/// anything else is info without fields. The message itself is kept as it is.
Record classify(std::string_view message);

/// The record as one JSON object and a newline: {"time":"2026-12-06T07:30:01.123Z","level":...,
/// "message":..., then each field}. Bytes that are not UTF-8 (a container name, a peer's answer)
/// become U+FFFD instead of making the line invalid JSON.
std::string to_json_line(const Record& record);

}  // namespace registrator::log
