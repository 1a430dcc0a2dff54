#pragma once
// DockerClient over the Engine HTTP API: list, inspect (pipelined in batches) and the /events
// stream, all through one http::Client.
#include <chrono>
#include <string>

#include "registrator/docker/docker_client.hpp"
#include "registrator/docker/fast_json.hpp"
#include "registrator/http/http_client.hpp"

namespace registrator {

/// DockerClient over the Engine HTTP API (unversioned paths, like upstream v7.4.0).
class DockerHttpClient : public DockerClient {
 public:
  explicit DockerHttpClient(http::Endpoint endpoint,
                            std::chrono::milliseconds timeout = std::chrono::seconds(30));

  /// Parses DOCKER_HOST ("unix:///path", "tcp://host:port"); empty = unix:///tmp/docker.sock.
  /// Throws std::invalid_argument for other schemes.
  static http::Endpoint endpoint_from_docker_host(const std::string& docker_host);

  // DockerClient
  std::vector<std::string> list_containers(const std::vector<std::string>& status = {}) override;
  std::optional<nlohmann::json> inspect(const std::string& id) override;
  /// Pipelined on the kept connection; what the pipeline leaves unanswered goes through inspect().
  std::vector<Inspected> inspect_many(const std::vector<std::string>& ids) override;
  std::string stream_events(std::optional<std::int64_t> since, EventSink& sink) override;
  void cancel_events() override;

  const http::Endpoint& endpoint() const { return endpoint_; }

  /// inspect() builds only these members of the document (nullptr, the default: all of it).
  /// Building the whole DOM is most of registrator's CPU at start-up; what is left out must be
  /// something no caller reads. A document the fast reader refuses is parsed whole by nlohmann.
  void keep_only(const fast_json::Projection* fields) { keep_only_ = fields; }

 private:
  http::Response call(const std::string& target);
  std::optional<nlohmann::json> inspect_result(const http::Response& r);
  std::string error_message(const http::Response& r) const;

  http::Endpoint endpoint_;
  std::chrono::milliseconds timeout_;
  http::Client client_;  // list and inspect on the kept connection; the event stream on its own
  const fast_json::Projection* keep_only_ = nullptr;
};

}  // namespace registrator
