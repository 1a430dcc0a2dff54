#include "scenarios/regsim/checks/dns_check.hpp"

#include <algorithm>
#include <cctype>

namespace regsim {
namespace {

std::string list_text(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out + "]";
}

std::string status_note(const DnsReply& reply) {
  return reply.status == DnsReply::Status::nxdomain ? " (NXDOMAIN)" : "";
}

std::string normal_name(std::string name) {
  while (!name.empty() && name.back() == '.') name.pop_back();
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  return name;
}

std::string srv_text(const SrvRecord& r) {
  return std::to_string(r.priority) + " " + std::to_string(r.weight) + " " + std::to_string(r.port) + " " + r.target;
}

// dig's order (priority weight port target) with "*" where the scenario does not care.
std::string srv_text(const SrvAnswer& a) {
  auto num = [](const std::optional<int>& v) { return v ? std::to_string(*v) : std::string("*"); };
  return num(a.priority) + " " + num(a.weight) + " " + num(a.port) + " " + a.target.value_or("*");
}

bool srv_matches(const SrvAnswer& a, const SrvRecord& r) {
  return (!a.port || *a.port == r.port) && (!a.priority || *a.priority == r.priority) &&
         (!a.weight || *a.weight == r.weight) && (!a.target || normal_name(*a.target) == normal_name(r.target));
}

// Pairs expected with actual items; returns the expected items left without a partner.
template <class Expected, class Actual, class Match>
std::vector<std::size_t> unmatched(const std::vector<Expected>& expected, const std::vector<Actual>& actual,
                                   Match match, std::vector<bool>& used) {
  used.assign(actual.size(), false);
  std::vector<std::size_t> missing;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    bool found = false;
    for (std::size_t j = 0; j < actual.size() && !found; ++j)
      if (!used[j] && match(expected[i], actual[j])) used[j] = found = true;
    if (!found) missing.push_back(i);
  }
  return missing;
}

}  // namespace

CheckResult compare_dns(const DnsCondition& expected, const DnsReply& reply) {
  if (reply.status == DnsReply::Status::failed) return {false, "query failed: " + reply.error};
  if (expected.rcode == "NXDOMAIN" && reply.status != DnsReply::Status::nxdomain)
    return {false, "expected NXDOMAIN, got an answer with " +
                       std::to_string(reply.addresses.size() + reply.srv.size()) + " records"};
  if (expected.rcode == "NOERROR" && reply.status == DnsReply::Status::nxdomain)
    return {false, "expected NOERROR, got NXDOMAIN"};

  std::vector<std::string> want, got;
  std::vector<std::size_t> missing;
  std::vector<bool> used;
  if (expected.type == DnsType::A) {
    want = expected.addresses;
    for (const auto& r : reply.addresses) got.push_back(r.address);
    std::sort(want.begin(), want.end());
    std::sort(got.begin(), got.end());
    missing = unmatched(want, got, [](const std::string& a, const std::string& b) { return a == b; }, used);
  } else {
    for (const auto& a : expected.srv) want.push_back(srv_text(a));
    for (const auto& r : reply.srv) got.push_back(srv_text(r));
    missing = unmatched(expected.srv, reply.srv, srv_matches, used);
  }
  const bool extra = std::find(used.begin(), used.end(), false) != used.end();
  const bool exactly = expected.match == MatchMode::exactly;
  if (!missing.empty() || (exactly && extra)) {
    return {false, std::string(exactly ? "expected " : "expected to contain ") + list_text(want) + ", got " +
                       list_text(got) + status_note(reply)};
  }
  if (expected.ttl) {
    for (const auto& r : reply.addresses)
      if (r.ttl != *expected.ttl)
        return {false, "TTL expected " + std::to_string(*expected.ttl) + ", got " + std::to_string(r.ttl) + " (" +
                           r.address + ")"};
  }
  std::string detail = (got.empty() ? std::string("no answers") : list_text(got)) + status_note(reply);
  if (expected.ttl && !got.empty()) detail += ", TTL " + std::to_string(*expected.ttl);
  return {true, detail + ", as expected"};
}

}  // namespace regsim
