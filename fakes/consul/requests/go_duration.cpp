#include "fakes/consul/requests/go_duration.hpp"

#include <cmath>
#include <cstdint>

namespace fakes::consul {

std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool negative = false;
  if (s.front() == '-' || s.front() == '+') {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return std::chrono::nanoseconds(0);
  if (s.empty()) return std::nullopt;
  long double total = 0;
  while (!s.empty()) {
    std::size_t i = 0;
    long double value = 0;
    bool digits = false;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') value = value * 10 + (s[i++] - '0'), digits = true;
    if (i < s.size() && s[i] == '.') {
      ++i;
      long double scale = 0.1L;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') value += (s[i++] - '0') * scale, scale /= 10, digits = true;
    }
    if (!digits) return std::nullopt;
    std::size_t u = i;
    while (u < s.size() && !(s[u] >= '0' && s[u] <= '9') && s[u] != '.') ++u;
    const std::string_view unit = s.substr(i, u - i);
    long double ns_per_unit;
    if (unit == "ns") ns_per_unit = 1;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") ns_per_unit = 1e3L;
    else if (unit == "ms") ns_per_unit = 1e6L;
    else if (unit == "s") ns_per_unit = 1e9L;
    else if (unit == "m") ns_per_unit = 60e9L;
    else if (unit == "h") ns_per_unit = 3600e9L;
    else return std::nullopt;  // includes a missing unit, as Go
    total += value * ns_per_unit;
    if (total > static_cast<long double>(INT64_MAX)) return std::nullopt;  // Go: "invalid duration"
    s.remove_prefix(u);
  }
  auto ns = static_cast<std::int64_t>(std::llround(total));
  return std::chrono::nanoseconds(negative ? -ns : ns);
}

std::string go_duration_error(std::string_view text) {
  const std::string quoted = "\"" + std::string(text) + "\"";
  std::string_view s = text;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  // Walk number/unit pairs as Go does and name the first problem it would name.
  while (!s.empty()) {
    std::size_t i = 0;
    bool digits = false;
    while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) digits = digits || s[i] != '.', ++i;
    if (!digits) break;
    std::size_t u = i;
    while (u < s.size() && !(s[u] >= '0' && s[u] <= '9') && s[u] != '.') ++u;
    const std::string_view unit = s.substr(i, u - i);
    if (unit.empty()) return "time: missing unit in duration " + quoted;
    if (unit != "ns" && unit != "us" && unit != "\xC2\xB5s" && unit != "\xCE\xBCs" && unit != "ms" && unit != "s" &&
        unit != "m" && unit != "h")
      return "time: unknown unit \"" + std::string(unit) + "\" in duration " + quoted;
    s.remove_prefix(u);
  }
  return "time: invalid duration " + quoted;
}

std::string format_go_duration(std::chrono::nanoseconds d) {
  using namespace std::chrono;
  if (d.count() == 0) return "0s";
  std::string out = d.count() < 0 ? "-" : "";
  auto ns = d.count() < 0 ? -d.count() : d.count();
  if (ns < 1'000'000'000) {
    if (ns % 1'000'000 == 0) return out + std::to_string(ns / 1'000'000) + "ms";
    if (ns % 1000 == 0) return out + std::to_string(ns / 1000) + "\xC2\xB5s";
    return out + std::to_string(ns) + "ns";
  }
  const auto h = ns / 3'600'000'000'000;
  ns %= 3'600'000'000'000;
  const auto m = ns / 60'000'000'000;
  ns %= 60'000'000'000;
  if (h) out += std::to_string(h) + "h";
  if (h || m) out += std::to_string(m) + "m";
  std::string secs = std::to_string(ns / 1'000'000'000);
  if (auto frac = ns % 1'000'000'000) {
    std::string f = std::to_string(frac + 1'000'000'000).substr(1);
    while (!f.empty() && f.back() == '0') f.pop_back();
    secs += "." + f;
  }
  return out + secs + "s";
}

}  // namespace fakes::consul
