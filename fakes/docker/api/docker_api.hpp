#pragma once
// The Docker Engine API over HTTP: version prefix checks, routing, and the request journal.
// Runs on the server's io thread; the engine it drives is not locked.

#include "fakes/docker/api/api_version.hpp"
#include "fakes/docker/engine/engine.hpp"
#include "fakes/docker/api/event_streams.hpp"
#include "fakes/docker/api/exit_waiters.hpp"
#include "fakes/docker/api/output_followers.hpp"
#include "fakes/docker/json/json_views.hpp"
#include "fakes/docker/api/stop_sequences.hpp"

#include "fakes/common/fault_rules.hpp"
#include "fakes/common/http/server.hpp"
#include "fakes/common/url.hpp"

#include <boost/asio/io_context.hpp>

#include <deque>
#include <functional>
#include <string>
#include <vector>

namespace fakes::docker {

struct RequestRecord {
  std::int64_t time_nano = 0;
  std::string method;
  std::string target;
  std::string transport;  // "unix" | "tcp"
  std::string user_agent;
};

class DockerApi {
 public:
  /// Handles /_fake/... requests; set by FakeDocker.
  using ControlHandler = std::function<void(const fakes::http::ExchangePtr&, const fakes::http::Target&)>;

  /// `request_log_limit`: how many of the latest requests the journal keeps (older ones leave,
  /// so a fake serving millions of requests does not grow without bound).
  DockerApi(boost::asio::io_context& io, Engine& engine, ServerIdentity server, std::size_t request_log_limit = 10000);

  void handle(const fakes::http::ExchangePtr& ex);
  void set_control_handler(ControlHandler handler) { control_ = std::move(handler); }

  EventStreams& event_streams() { return streams_; }
  StopSequences& stops() { return stops_; }
  const ExitWaiters& waiters() const { return waiters_; }
  /// Open `logs?follow=1` and attach streams.
  const OutputFollowers& followers() const { return followers_; }
  /// The latest requests, oldest first.
  std::vector<RequestRecord> request_log() const { return {log_.begin(), log_.end()}; }
  void clear_request_log() { log_.clear(); }
  const ServerIdentity& server() const { return server_; }
  /// Injected errors and latency on Engine API paths (matched without the /vX.Y prefix).
  fakes::http::FaultInjector& faults() { return faults_; }

 private:
  struct Call {
    const fakes::http::ExchangePtr& ex;
    fakes::http::bhttp::verb method;
    std::vector<std::string> segments;  // path after the version prefix, split on '/'
    const fakes::http::Target& target;
    ApiVersion version;
  };

  /// Version negotiation, then the route; after any injected delay.
  void serve(const fakes::http::ExchangePtr& ex, const fakes::http::Target& target);
  void route(const Call& call);
  bool route_system(const Call& call);
  bool route_containers(const Call& call);
  /// logs, exec, attach (process_io_routes.cpp).
  bool route_container_io(const Call& call);
  /// exec create, start, inspect, resize (exec_routes.cpp).
  bool route_exec(const Call& call);
  bool route_images(const Call& call);
  bool route_networks(const Call& call);
  void container_action(const Call& call, const std::string& ref, const std::string& action);

  void respond_json(const Call& call, fakes::http::Status status, const Json& body);
  /// `body`: serialized JSON, newline included (what respond_json would send).
  void respond_json_text(const Call& call, fakes::http::Status status, std::string body);
  void respond_empty(const Call& call, fakes::http::Status status);

  boost::asio::io_context& io_;
  Engine& engine_;
  ServerIdentity server_;
  fakes::http::FaultInjector faults_;
  // Delayed requests check it: the API object may be gone when their timer fires.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  EventStreams streams_;
  ExitWaiters waiters_;
  StopSequences stops_;
  OutputFollowers followers_;
  ControlHandler control_;
  std::deque<RequestRecord> log_;
  std::size_t log_limit_;
};

}  // namespace fakes::docker
