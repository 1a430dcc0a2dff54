#pragma once
// The request log of fake-consul's API (scenarios read it to measure lag); injected faults
// (common/fault_rules.hpp) are applied to logged requests.

#include "fakes/common/fault_rules.hpp"
#include "fakes/common/http/server.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace fakes::consul {

using fakes::http::FaultInjector;
using fakes::http::FaultRule;
using fakes::http::Interception;

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
