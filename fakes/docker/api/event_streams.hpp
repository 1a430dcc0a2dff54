#pragma once
// GET /events: replays the history between since and until, then streams live events until
// `until` passes or the client goes away. One JSON object per line; the content type follows
// the API version and Accept header as on the engine.

#include "fakes/docker/api/api_version.hpp"
#include "fakes/docker/engine/engine.hpp"
#include "fakes/docker/json/json_views.hpp"

#include "fakes/common/http/server.hpp"
#include "fakes/common/url.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>

#include <map>
#include <memory>
#include <vector>

namespace fakes::docker {

class EventStreams {
 public:
  EventStreams(boost::asio::io_context& io, Engine& engine);
  ~EventStreams();

  /// Validates the query (throws DockerError 400 before anything is sent), then streams.
  void open(const fakes::http::ExchangePtr& ex, ApiVersion version, const fakes::http::Target& target,
            const ServerIdentity& server);
  /// Cuts every open stream mid-way (fault injection: "the daemon dropped the connection").
  void drop_all();
  std::size_t open_count() const { return streams_.size(); }

 private:
  struct Stream;
  void finish(std::uint64_t id, bool abort);
  void broadcast(const Event& e);
  void flush_all(std::chrono::steady_clock::time_point now);

  boost::asio::io_context& io_;
  Engine& engine_;
  std::map<std::uint64_t, std::shared_ptr<Stream>> streams_;
  std::uint64_t next_id_ = 1;
  std::uint64_t subscription_ = 0;
  static constexpr std::chrono::milliseconds kCoalesce{1};
  boost::asio::steady_timer flush_timer_;
  bool flush_armed_ = false;
  std::chrono::steady_clock::time_point last_flush_{};
  // Close callbacks run on a later turn of the loop, perhaps after this object is gone.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace fakes::docker
