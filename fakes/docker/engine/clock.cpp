#include "fakes/docker/engine/clock.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace fakes::docker {

Clock system_clock() {
  return [] {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
}

std::string format_rfc3339_nano(std::int64_t unix_nanos) {
  if (unix_nanos == 0) return "0001-01-01T00:00:00Z";
  std::int64_t secs = unix_nanos / 1'000'000'000;
  std::int64_t frac = unix_nanos % 1'000'000'000;
  if (frac < 0) {
    frac += 1'000'000'000;
    --secs;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::string out = buf;
  if (frac != 0) {
    char f[16];
    std::snprintf(f, sizeof f, ".%09lld", static_cast<long long>(frac));
    std::string fs = f;
    while (fs.back() == '0') fs.pop_back();
    out += fs;
  }
  return out + "Z";
}

bool parse_unix_seconds(const std::string& text, std::int64_t& out_nanos) {
  if (text.empty() || text.size() > 40) return false;
  std::size_t i = 0;
  bool negative = false;
  if (text[0] == '-') {
    negative = true;
    i = 1;
  }
  std::int64_t secs = 0;
  std::size_t digits = 0;
  for (; i < text.size() && text[i] != '.'; ++i, ++digits) {
    if (text[i] < '0' || text[i] > '9' || digits >= 12) return false;
    secs = secs * 10 + (text[i] - '0');
  }
  if (digits == 0) return false;
  std::int64_t nanos = 0;
  if (i < text.size()) {  // fractional part
    ++i;
    std::size_t places = 0;
    for (; i < text.size(); ++i, ++places) {
      if (text[i] < '0' || text[i] > '9') return false;
      if (places < 9) nanos = nanos * 10 + (text[i] - '0');
    }
    for (; places < 9; ++places) nanos *= 10;
  }
  std::int64_t total = secs * 1'000'000'000 + nanos;
  out_nanos = negative ? -total : total;
  return true;
}

}  // namespace fakes::docker
