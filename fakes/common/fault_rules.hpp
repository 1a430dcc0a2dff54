#pragma once
// Scripted failures for the fakes' control APIs (fake-consul and fake-docker POST /_fake/faults):
// requests matching a method and path prefix get a chosen status, a dropped connection, no
// answer at all, or their normal answer late, for a number of times or forever. Each fake
// supplies how its errors look (Consul: plain text; Docker: {"message": ...}).

#include "fakes/common/http/server.hpp"

#include <chrono>
#include <functional>
#include <list>
#include <string>
#include <string_view>
#include <vector>

namespace fakes::http {

struct FaultRule {
  enum class Action { respond, drop, hang, delay };
  std::string method;       // "" = any method
  std::string path_prefix;  // matched against the decoded path
  Action action = Action::respond;
  unsigned status = 500;
  std::string body = "injected fault";
  int remaining = -1;                  // -1 = forever
  std::chrono::milliseconds delay{0};  // delay: how late the normal answer comes
  std::string spare_user_agent;        // requests whose User-Agent starts with this are never faulted
};

/// The rule a control request asks for: {"method", "path", "status", "body", "action"
/// (respond|drop|hang|delay), "count", "delay_ms", "spare_user_agent"}. Throws std::invalid_argument naming the
/// field that is wrong.
FaultRule decode_fault_rule(std::string_view json_text);

/// What the injector did with a request: nothing (serve it now), took it over (answered,
/// dropped or held), or asks for it to be served after `delay`.
struct Interception {
  bool taken = false;
  std::chrono::milliseconds delay{0};
};

class FaultInjector {
 public:
  using ErrorResponse = std::function<Response(unsigned status, const std::string& body)>;
  explicit FaultInjector(ErrorResponse make_error) : make_error_(std::move(make_error)) {}

  void add(FaultRule rule) { rules_.push_back(std::move(rule)); }
  /// Removes every rule and ends the exchanges held by hang rules.
  void clear();
  std::size_t rule_count() const { return rules_.size(); }
  /// Applies the first matching rule to the exchange.
  Interception intercept(const ExchangePtr& exchange, const std::string& path);

 private:
  ErrorResponse make_error_;
  std::vector<FaultRule> rules_;
  std::list<ExchangePtr> hung_;  // held so they are never answered
};

}  // namespace fakes::http
