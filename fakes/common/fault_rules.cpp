#include "fakes/common/fault_rules.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <stdexcept>

namespace fakes::http {
namespace {

using nlohmann::json;

std::string string_field(const json& doc, const char* key) {
  const auto& v = doc.at(key);
  if (!v.is_string()) throw std::invalid_argument(std::string("fault.") + key + " must be a string");
  return v.get<std::string>();
}

std::int64_t int_field(const json& doc, const char* key) {
  const auto& v = doc.at(key);
  if (!v.is_number_integer()) throw std::invalid_argument(std::string("fault.") + key + " must be an integer");
  return v.get<std::int64_t>();
}

}  // namespace

FaultRule decode_fault_rule(std::string_view json_text) {
  const json doc = json::parse(json_text, nullptr, false);
  if (!doc.is_object()) throw std::invalid_argument("fault must be a JSON object");
  static const char* const known[] = {"method", "path",     "status",          "body",
                                      "action", "count",    "delay_ms",        "spare_user_agent"};
  for (const auto& [key, value] : doc.items())
    if (std::find(std::begin(known), std::end(known), key) == std::end(known))
      throw std::invalid_argument("fault." + key + " is not a fault field");
  FaultRule rule;
  if (doc.contains("method")) rule.method = string_field(doc, "method");
  if (doc.contains("path")) rule.path_prefix = string_field(doc, "path");
  if (doc.contains("body")) rule.body = string_field(doc, "body");
  if (doc.contains("spare_user_agent")) rule.spare_user_agent = string_field(doc, "spare_user_agent");
  if (doc.contains("status")) {
    const auto status = int_field(doc, "status");
    if (status < 100 || status > 599) throw std::invalid_argument("fault.status must be 100..599");
    rule.status = static_cast<unsigned>(status);
  }
  if (doc.contains("count")) {
    const auto count = int_field(doc, "count");
    if (count < 1) throw std::invalid_argument("fault.count must be >= 1 (omit it for forever)");
    rule.remaining = static_cast<int>(std::min<std::int64_t>(count, 1 << 30));
  }
  if (doc.contains("action")) {
    const std::string action = string_field(doc, "action");
    if (action == "respond") rule.action = FaultRule::Action::respond;
    else if (action == "drop") rule.action = FaultRule::Action::drop;
    else if (action == "hang") rule.action = FaultRule::Action::hang;
    else if (action == "delay") rule.action = FaultRule::Action::delay;
    else throw std::invalid_argument("fault.action must be respond, drop, hang or delay, not \"" + action + "\"");
  }
  if (doc.contains("delay_ms")) {
    const auto ms = int_field(doc, "delay_ms");
    if (ms < 1 || ms > 600000) throw std::invalid_argument("fault.delay_ms must be 1..600000");
    rule.delay = std::chrono::milliseconds(ms);
  }
  if ((rule.action == FaultRule::Action::delay) != (rule.delay.count() > 0))
    throw std::invalid_argument(rule.action == FaultRule::Action::delay ? "fault.action delay needs fault.delay_ms"
                                                                        : "fault.delay_ms goes with fault.action delay");
  return rule;
}

void FaultInjector::clear() {
  rules_.clear();
  for (auto& ex : hung_) ex->abort();  // end held exchanges instead of leaving clients stuck
  hung_.clear();
}

Interception FaultInjector::intercept(const ExchangePtr& exchange, const std::string& path) {
  const std::string method(exchange->request().method_string());
  const auto user_agent = exchange->request()[boost::beast::http::field::user_agent];
  for (auto it = rules_.begin(); it != rules_.end(); ++it) {
    if (!it->method.empty() && it->method != method) continue;
    if (!path.starts_with(it->path_prefix)) continue;
    if (!it->spare_user_agent.empty() && user_agent.starts_with(it->spare_user_agent)) continue;
    const FaultRule rule = *it;
    if (it->remaining > 0 && --it->remaining == 0) rules_.erase(it);
    switch (rule.action) {
      case FaultRule::Action::respond:
        exchange->respond(make_error_(rule.status, rule.body));
        break;
      case FaultRule::Action::drop:
        exchange->abort();
        break;
      case FaultRule::Action::hang:
        std::erase_if(hung_, [](const auto& ex) { return !ex->is_open(); });
        hung_.push_back(exchange);
        break;
      case FaultRule::Action::delay:
        return {false, rule.delay};
    }
    return {true, {}};
  }
  return {};
}

}  // namespace fakes::http
