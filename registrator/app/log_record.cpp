#include "registrator/app/log_record.hpp"

#include <array>
#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

namespace registrator::log {
namespace {

// How the words after a known prefix are laid out.
enum class Shape {
  id_service,     // "<id12> <service id>[ more]"
  service_error,  // "<service id> <error ...>"
  id_detail,      // "<id12> <detail ...>"
  error,          // "<error ...>"
  detail,         // "<detail ...>"
};

struct Rule {
  std::string_view prefix;  // the line starts with it
  Level level;
  std::string_view event;   // the "event" field
  Shape shape;
};

// Upstream's wording (bridge.go, registrator.go) and ours where it follows upstream's pattern.
// Longer prefixes first where one starts another ("sync register failed:").
constexpr std::array kRules{
    Rule{"added: ", Level::info, "added", Shape::id_service},
    Rule{"removed: ", Level::info, "removed", Shape::id_service},
    Rule{"refreshed: ", Level::info, "refreshed", Shape::id_service},
    Rule{"ignored: ", Level::info, "ignored", Shape::id_detail},
    Rule{"register abandoned: ", Level::warn, "register abandoned", Shape::id_service},
    Rule{"sync register failed: ", Level::error, "register failed", Shape::service_error},
    Rule{"register failed: ", Level::error, "register failed", Shape::service_error},
    Rule{"deregister failed: ", Level::error, "deregister failed", Shape::service_error},
    Rule{"refresh failed: ", Level::error, "refresh failed", Shape::service_error},
    Rule{"unable to inspect container: ", Level::error, "inspect failed", Shape::id_detail},
    Rule{"unable to inspect network container: ", Level::error, "inspect failed", Shape::id_detail},
    Rule{"cleanup failed: ", Level::error, "cleanup failed", Shape::error},
    Rule{"Docker event stream ended: ", Level::warn, "docker events ended", Shape::error},
    Rule{"docker: ignoring undecodable event: ", Level::warn, "undecodable event", Shape::detail},
    Rule{"still registered after stop: ", Level::warn, "still registered", Shape::detail},
};

// The first word of `text` and what follows it (without the separating space).
std::pair<std::string_view, std::string_view> first_word(std::string_view text) {
  const auto space = text.find(' ');
  if (space == std::string_view::npos) return {text, {}};
  return {text.substr(0, space), text.substr(space + 1)};
}

bool contains(std::string_view text, std::string_view word) { return text.find(word) != std::string_view::npos; }

}  // namespace

std::string_view level_name(Level level) {
  switch (level) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "info";
}

Record classify(std::string_view message) {
  Record r;
  r.message = std::string(message);
  for (const Rule& rule : kRules) {
    if (message.substr(0, rule.prefix.size()) != rule.prefix) continue;
    r.level = rule.level;
    r.fields.emplace_back("event", rule.event);
    const std::string_view rest = message.substr(rule.prefix.size());
    const auto [word, after] = first_word(rest);
    switch (rule.shape) {
      case Shape::id_service:
        r.fields.emplace_back("container_id", word);
        r.fields.emplace_back("service_id", first_word(after).first);
        break;
      case Shape::service_error:
        r.fields.emplace_back("service_id", word);
        r.fields.emplace_back("error", after);
        break;
      case Shape::id_detail:
        r.fields.emplace_back("container_id", word);
        r.fields.emplace_back("detail", after);
        break;
      case Shape::error: r.fields.emplace_back("error", rest); break;
      case Shape::detail: r.fields.emplace_back("detail", rest); break;
    }
    return r;
  }
  // Lines without a rule: upstream names its failures in words ("error listing containers",
  // "failed to register service", "... not sent, Consul rejects it").
  if (contains(message, "error") || contains(message, "failed")) r.level = Level::error;
  else if (contains(message, "not sent") || contains(message, "could not")) r.level = Level::warn;
  return r;
}

std::string to_json_line(const Record& record) {
  using namespace std::chrono;
  const auto since_epoch = record.time.time_since_epoch();
  const std::time_t seconds = duration_cast<std::chrono::seconds>(since_epoch).count();
  const auto millis = duration_cast<milliseconds>(since_epoch).count() % 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char stamp[40];
  const std::size_t n = std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(stamp + n, sizeof stamp - n, ".%03dZ", static_cast<int>(millis < 0 ? millis + 1000 : millis));

  // ordered_json: time, level and message first, then the fields as given.
  nlohmann::ordered_json j;
  j["time"] = stamp;
  j["level"] = std::string(level_name(record.level));
  j["message"] = record.message;
  for (const auto& [key, value] : record.fields) j[key] = value;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace registrator::log
