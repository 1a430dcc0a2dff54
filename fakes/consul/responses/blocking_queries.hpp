#pragma once
// Consul blocking queries: a read with ?index=N waits until the data's index passes N or the
// wait (default 5 min, max 10 min, plus up to wait/16 jitter) elapses, then answers with the
// current view. Parked exchanges are re-rendered after every catalog change.

#include "fakes/common/http/server.hpp"
#include "fakes/common/url.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <variant>

namespace fakes::consul {

struct BlockingParams {
  std::uint64_t min_index = 0;  // 0 = answer at once
  std::chrono::milliseconds wait{0};
  /// The index is not a counter but a fingerprint (the user event list's, from the last
  /// event's ID): answer as soon as it differs from min_index, not only when it grows.
  bool any_change = false;
};

/// Reads ?index= and ?wait=; the error is the 400 reason ("Invalid index", "Invalid wait time").
std::variant<BlockingParams, std::string> parse_blocking_params(const fakes::http::Target& target);

/// What a read endpoint would answer right now, and the index that answer reflects. Copies
/// share the answer: the same bytes go to every client that gets it (thousands of watchers
/// released by one change), written once.
struct QueryView {
  std::uint64_t index = 1;
  std::shared_ptr<const fakes::http::Response> response;
  std::shared_ptr<const std::string> wire;  // response as an HTTP/1.1 keep-alive answer
  /// Sends the answer on `exchange`: the shared bytes when its request allows, else a copy.
  void answer(const fakes::http::ExchangePtr& exchange) const;
};
using RenderView = std::function<QueryView()>;

class BlockingQueries {
 public:
  static constexpr std::chrono::milliseconds kDefaultWait = std::chrono::minutes(5);
  static constexpr std::chrono::milliseconds kMaxWait = std::chrono::minutes(10);

  explicit BlockingQueries(boost::asio::io_context& io);
  ~BlockingQueries();

  /// Answers now (no index, or the view is already past it) or parks the exchange.
  void serve(const fakes::http::ExchangePtr& exchange, const BlockingParams& params, RenderView render);
  /// Schedules a re-evaluation of every parked query on a later turn of the loop, so the
  /// write that triggered it has finished; several changes in one turn coalesce.
  void notify_change();
  /// Answers every parked query with its current view (shutdown, "lose state").
  void release_all();
  std::size_t parked_count() const { return parked_.size(); }

 private:
  struct Parked;
  void evaluate();
  void finish(const std::shared_ptr<Parked>& parked);
  void unlist(Parked& parked);

  boost::asio::io_context& io_;
  std::list<std::shared_ptr<Parked>> parked_;
  bool evaluation_pending_ = false;
  std::mt19937_64 rng_{std::random_device{}()};
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

/// Renders `view` with the query-meta headers set (and its wire bytes).
QueryView make_view(std::uint64_t index, fakes::http::Response response);

}  // namespace fakes::consul
