#pragma once
// Streams that go on carrying what a container prints: `logs?follow=1` and attach with
// stream=1. Each ends when the container's process ends (die) or the container is removed, when
// `until` passes, or when the client leaves; so a follower never outlives the container's run.

#include "fakes/docker/api/log_query.hpp"
#include "fakes/docker/engine/engine.hpp"

#include "fakes/common/http/server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <map>
#include <memory>

namespace fakes::docker {

class OutputFollowers {
 public:
  OutputFollowers(boost::asio::io_context& io, Engine& engine) : io_(io), engine_(engine) {}
  ~OutputFollowers();
  OutputFollowers(const OutputFollowers&) = delete;
  OutputFollowers& operator=(const OutputFollowers&) = delete;

  /// `ex` has begun its stream (chunked or raw). From now on the lines of `container_id` that
  /// `query` selects are sent, framed when `multiplexed`. A `held` follower keeps them (and its
  /// end) until release(): an attach whose head the client has not read yet. Returns its key.
  std::uint64_t follow(const fakes::http::ExchangePtr& ex, const std::string& container_id, const LogQuery& query,
                       bool multiplexed, bool held = false);
  /// Sends what a held follower kept (and ends its stream if its container's run is over).
  void release(std::uint64_t key);
  std::size_t count() const { return followers_.size(); }

 private:
  struct Follower {
    fakes::http::ExchangePtr ex;  // held here: the server ends an exchange nobody holds
    std::uint64_t output = 0, events = 0;
    std::unique_ptr<boost::asio::steady_timer> until_timer;
    bool held = false;
    std::string kept;    // what a held follower has not sent yet
    bool over = false;   // held, and its end came too
  };
  void send(Follower& f, const std::string& bytes);
  /// Ends the stream (if still open) and forgets the follower; a held one waits for release().
  void finish(std::uint64_t key);
  void forget(std::uint64_t key);

  boost::asio::io_context& io_;
  Engine& engine_;
  std::map<std::uint64_t, Follower> followers_;
  std::uint64_t next_key_ = 1;
  // Close callbacks and timers may fire after this object is gone.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace fakes::docker
