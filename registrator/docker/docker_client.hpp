#pragma once
// Docker Engine API access (the parts registrator needs).
#include <cstdint>
#include <exception>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace registrator {

/// A failed Docker call; what() names the daemon and its message.
class DockerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One container event. Keyed on Action/Actor.ID (API >= 1.52 has no status/id/from);
/// the legacy fields are used only when the modern ones are missing.
struct DockerEvent {
  std::string type;    ///< "container", ...
  std::string action;  ///< "start", "die", "health_status: healthy", ...
  std::string id;      ///< Actor.ID
  std::map<std::string, std::string> attributes;  ///< Actor.Attributes (die: exitCode)
  std::int64_t time = 0;       ///< seconds
  std::int64_t time_nano = 0;  ///< nanoseconds
  bool operator==(const DockerEvent&) const = default;
};

/// Parses one decoded /events object; nullopt if it has no action or id.
std::optional<DockerEvent> parse_docker_event(const nlohmann::json& j);

/// Receives the event stream.
class EventSink {
 public:
  virtual ~EventSink() = default;
  /// The daemon accepted the /events request; events follow.
  virtual void on_connected() = 0;
  virtual void on_event(DockerEvent event) = 0;
};

/// One inspect's outcome: the document (nullopt: no such container) or the error it threw.
struct Inspected {
  std::optional<nlohmann::json> container;
  std::exception_ptr error;
};

class DockerClient {
 public:
  virtual ~DockerClient() = default;
  /// Ids of containers, running ones by default; `status` filters like `docker ps --filter status=`.
  /// Throws DockerError.
  virtual std::vector<std::string> list_containers(const std::vector<std::string>& status = {}) = 0;
  /// `GET /containers/<id>/json`; nullopt when the daemon says 404 (no such container).
  /// Throws DockerError on other failures.
  virtual std::optional<nlohmann::json> inspect(const std::string& id) = 0;
  /// inspect() of each id, in order, each outcome holding what inspect() returned or threw; an
  /// implementation may send the requests together. Never throws.
  virtual std::vector<Inspected> inspect_many(const std::vector<std::string>& ids) {
    std::vector<Inspected> out(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
      try {
        out[i].container = inspect(ids[i]);
      } catch (...) {
        out[i].error = std::current_exception();
      }
    }
    return out;
  }
  /// Streams container events (from `since` seconds if given) into `sink` until the stream ends
  /// or cancel_events() is called; returns the reason it ended. Never throws for network errors.
  virtual std::string stream_events(std::optional<std::int64_t> since, EventSink& sink) = 0;
  /// Thread-safe: ends the current and all later stream_events() calls.
  virtual void cancel_events() = 0;
};

}  // namespace registrator
