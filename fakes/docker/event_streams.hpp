#pragma once
// GET /events: replays the history between since and until, then streams live events until
// `until` passes or the client goes away. One JSON object per line; the content type follows
// the API version and Accept header as on the engine.

#include "api_version.hpp"
#include "engine.hpp"
#include "json_views.hpp"

#include "common/http_server.hpp"
#include "common/url.hpp"

#include <boost/asio/io_context.hpp>

#include <map>
#include <memory>

namespace fakes::docker {

class EventStreams {
 public:
  EventStreams(boost::asio::io_context& io, Engine& engine) : io_(io), engine_(engine) {}
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

  boost::asio::io_context& io_;
  Engine& engine_;
  std::map<std::uint64_t, std::shared_ptr<Stream>> streams_;
  std::uint64_t next_id_ = 1;
};

}  // namespace fakes::docker
