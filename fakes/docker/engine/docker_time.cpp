#include "fakes/docker/engine/docker_time.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>
#include <limits>

namespace fakes::docker {

namespace {

// Nanoseconds fit int64 until 2262: later (or much earlier) times are held at the limit, which
// compares the same way with any creation time the fake hands out.
std::int64_t to_nanos(std::int64_t seconds, std::int64_t fraction) {
  constexpr std::int64_t kLimit = std::numeric_limits<std::int64_t>::max() / 1'000'000'000 - 1;
  if (seconds > kLimit) return std::numeric_limits<std::int64_t>::max();
  if (seconds < -kLimit) return std::numeric_limits<std::int64_t>::min();
  return seconds * 1'000'000'000 + fraction;
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

[[noreturn]] void bad_time(const std::string& value, const std::string& why) {
  throw TimeValueError("parsing time \"" + value + "\": " + why);
}

int number(const std::string& value, const std::string& text, std::size_t pos, std::size_t len, const char* what) {
  if (pos + len > text.size() || !all_digits(text.substr(pos, len)))
    bad_time(value, std::string("cannot parse \"") + text.substr(std::min(pos, text.size())) + "\" as " + what);
  return std::stoi(text.substr(pos, len));
}

// YYYY-MM-DD[THH[:MM[:SS[.fraction]]]][Z|±HH:MM], the layouts timestamp.Parse tries.
std::int64_t parse_date_time(const std::string& value) {
  std::tm tm{};
  tm.tm_year = number(value, value, 0, 4, "\"2006\"") - 1900;
  if (value.size() < 5 || value[4] != '-') bad_time(value, "cannot parse \"" + value.substr(4) + "\" as \"-\"");
  tm.tm_mon = number(value, value, 5, 2, "\"01\"") - 1;
  if (value.size() < 8 || value[7] != '-') bad_time(value, "cannot parse \"" + value.substr(std::min<std::size_t>(7, value.size())) + "\" as \"-\"");
  tm.tm_mday = number(value, value, 8, 2, "\"02\"");
  std::size_t pos = 10;
  std::int64_t fraction = 0;
  if (pos < value.size() && value[pos] == 'T') {
    tm.tm_hour = number(value, value, pos + 1, 2, "\"15\"");
    pos += 3;
    if (pos < value.size() && value[pos] == ':') {
      tm.tm_min = number(value, value, pos + 1, 2, "\"04\"");
      pos += 3;
      if (pos < value.size() && value[pos] == ':') {
        tm.tm_sec = number(value, value, pos + 1, 2, "\"05\"");
        pos += 3;
        if (pos < value.size() && value[pos] == '.') {
          std::size_t end = pos + 1;
          while (end < value.size() && std::isdigit(static_cast<unsigned char>(value[end]))) ++end;
          std::string digits = value.substr(pos + 1, end - pos - 1);
          if (digits.empty() || digits.size() > 9) bad_time(value, "cannot parse \"" + value.substr(pos) + "\" as fractional seconds");
          digits.resize(9, '0');
          fraction = std::stoll(digits);
          pos = end;
        }
      }
    }
  }
  if (tm.tm_mon < 0 || tm.tm_mon > 11) bad_time(value, "month out of range");
  if (tm.tm_mday < 1 || tm.tm_mday > 31) bad_time(value, "day out of range");
  if (tm.tm_hour > 23) bad_time(value, "hour out of range");
  if (tm.tm_min > 59) bad_time(value, "minute out of range");
  if (tm.tm_sec > 59) bad_time(value, "second out of range");
  std::time_t seconds = 0;
  const std::string zone = value.substr(pos);
  if (zone.empty()) {
    tm.tm_isdst = -1;
    seconds = std::mktime(&tm);  // the daemon's local zone
  } else if (zone == "Z" || zone == "z") {
    seconds = timegm(&tm);
  } else if ((zone[0] == '+' || zone[0] == '-') && zone.size() == 6 && zone[3] == ':' &&
             all_digits(zone.substr(1, 2)) && all_digits(zone.substr(4, 2))) {
    const int offset = std::stoi(zone.substr(1, 2)) * 3600 + std::stoi(zone.substr(4, 2)) * 60;
    seconds = timegm(&tm) - (zone[0] == '+' ? offset : -offset);
  } else {
    bad_time(value, "extra text: \"" + zone + "\"");
  }
  return to_nanos(static_cast<std::int64_t>(seconds), fraction);
}

// timestamp.parseTimestamp: "seconds" or "seconds.fraction".
std::int64_t parse_unix(const std::string& value) {
  const auto dot = value.find('.');
  const std::string s = value.substr(0, dot);
  const std::size_t sign = !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (!all_digits(s.substr(sign)) || s.size() - sign > 18)
    throw TimeValueError("failed to parse value as time or duration: invalid seconds \"" + s + "\": " +
                         (all_digits(s.substr(sign)) ? "value out of range" : "invalid syntax"));
  const std::int64_t seconds = std::stoll(s);
  std::int64_t nanos = 0;
  if (dot != std::string::npos) {
    std::string n = value.substr(dot + 1);
    if (n.size() > 20)
      throw TimeValueError("failed to parse value as time or duration: invalid nanoseconds: length " +
                           std::to_string(n.size()) + " exceeds maximum 20");
    for (std::size_t i = 0; i < n.size(); ++i)
      if (n[i] < '0' || n[i] > '9')
        throw TimeValueError("failed to parse value as time or duration: invalid nanoseconds: invalid character '" +
                             std::string(1, n[i]) + "' at position " + std::to_string(i));
    n.resize(9, '0');
    nanos = n.empty() ? 0 : std::stoll(n.substr(0, 9));
  }
  return to_nanos(seconds, nanos);
}

}  // namespace

std::optional<std::int64_t> parse_go_duration_nanos(const std::string& text) {
  static const std::pair<const char*, double> units[] = {
      {"ns", 1.0}, {"us", 1e3}, {"\u00b5s", 1e3}, {"\u03bcs", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}};
  if (text.empty() || text.size() > 40) return std::nullopt;
  std::size_t i = 0;
  double sign = 1;
  if (text[0] == '-' || text[0] == '+') {
    sign = text[0] == '-' ? -1 : 1;
    ++i;
  }
  if (text.substr(i) == "0") return 0;
  if (i == text.size()) return std::nullopt;
  double total = 0;
  while (i < text.size()) {
    const std::size_t start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    const std::string num = text.substr(start, i - start);
    if (num.empty() || num == "." || std::count(num.begin(), num.end(), '.') > 1) return std::nullopt;
    const std::size_t unit_start = i;
    while (i < text.size() && !std::isdigit(static_cast<unsigned char>(text[i])) && text[i] != '.') ++i;
    const std::string unit = text.substr(unit_start, i - unit_start);
    const auto* found = std::find_if(std::begin(units), std::end(units), [&](const auto& u) { return unit == u.first; });
    if (found == std::end(units)) return std::nullopt;
    total += std::stod(num) * found->second;
  }
  if (total > 9.2e18) return std::nullopt;
  return static_cast<std::int64_t>(sign * total);
}

std::int64_t parse_time_value(const std::string& value, std::int64_t now_nanos) {
  if (std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isspace(c); }))
    throw TimeValueError("failed to parse value as time or duration: value is empty");
  if (value != "0")
    if (auto d = parse_go_duration_nanos(value)) return now_nanos - *d;
  // As timestamp.Parse: a value with a '-' is a date or nothing (so "-5" is refused).
  if (value.find('-') != std::string::npos) return parse_date_time(value);
  if (value.find_first_of("TZz:") != std::string::npos && value.size() >= 4 && all_digits(value.substr(0, 4)))
    return parse_date_time(value);
  return parse_unix(value);
}

}  // namespace fakes::docker
