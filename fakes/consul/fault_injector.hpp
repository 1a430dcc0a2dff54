#pragma once
// Scripted failures for scenarios: requests matching a method and path prefix get a chosen
// status, a dropped connection, no answer at all, or their normal answer late, for a number of
// times or forever.

#include "common/http_server.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace fakes::consul {

struct FaultRule {
  enum class Action { respond, drop, hang, delay };
  std::string method;       // "" = any method
  std::string path_prefix;  // matched against the decoded path
  Action action = Action::respond;
  unsigned status = 500;
  std::string body = "injected fault";
  int remaining = -1;  // -1 = forever
  std::chrono::milliseconds delay{0};  // delay: how late the normal answer comes
};

/// What the injector did with a request: nothing (serve it now), took it over (answered,
/// dropped or held), or asks for it to be served after `delay`.
struct Interception {
  bool taken = false;
  std::chrono::milliseconds delay{0};
};

class FaultInjector {
 public:
  void add(FaultRule rule) { rules_.push_back(std::move(rule)); }
  void clear();
  std::size_t rule_count() const { return rules_.size(); }
  /// Applies the first matching rule to the exchange.
  Interception intercept(const fakes::http::ExchangePtr& exchange, const std::string& path);

 private:
  std::vector<FaultRule> rules_;
  std::list<fakes::http::ExchangePtr> hung_;  // held so they are never answered
};

/// One line of the request log.
struct RequestRecord {
  std::uint64_t sequence = 0;
  std::int64_t time_nano = 0;  // wall clock when the request arrived (lag measurements)
  std::string method;
  std::string target;
  std::string body;     // first 4 KiB
  unsigned status = 0;  // 0 while unanswered (blocking query, hung fault)
};

/// Bounded log of Consul API requests; statuses fill in when answered.
class RequestLog {
 public:
  RequestLog() = default;
  ~RequestLog() { *alive_ = false; }
  RequestLog(const RequestLog&) = delete;
  RequestLog& operator=(const RequestLog&) = delete;
  /// Wraps the exchange so its status gets recorded; returns the wrapper to hand on.
  fakes::http::ExchangePtr record(const fakes::http::ExchangePtr& exchange);
  std::vector<RequestRecord> entries() const { return {entries_.begin(), entries_.end()}; }
  void clear() { entries_.clear(); }

 private:
  friend class LoggedExchange;
  void set_status(std::uint64_t sequence, unsigned status);
  static constexpr std::size_t kMaxEntries = 10000;
  std::deque<RequestRecord> entries_;
  std::uint64_t next_sequence_ = 1;
  // Exchanges held past the log's life (a blocking query answered at teardown) check this.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace fakes::consul
