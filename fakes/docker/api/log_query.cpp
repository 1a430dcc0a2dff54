#include "fakes/docker/api/log_query.hpp"

#include "fakes/docker/api/stream_framing.hpp"
#include "fakes/docker/engine/clock.hpp"
#include "fakes/docker/engine/docker_error.hpp"

#include <cstdio>
#include <ctime>

namespace fakes::docker {

namespace {

// httputils.BoolValue: anything but "", "0", "no", "false", "none" is true.
bool bool_value(const fakes::http::Target& t, const std::string& key) {
  std::string v = t.get(key);
  for (auto& ch : v) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return !(v.empty() || v == "0" || v == "no" || v == "false" || v == "none");
}

std::int64_t timestamp_param(const fakes::http::Target& t, const std::string& key) {
  const std::string v = t.get(key);
  if (v.empty() || (key == "until" && v == "0")) return 0;
  std::int64_t nanos = 0;
  if (!parse_unix_seconds(v, nanos))
    throw bad_parameter("invalid value for \"" + key + "\": invalid timestamp \"" + v +
                        "\": want seconds since the Unix epoch, optionally with a fraction (1700000000.5)");
  return nanos;
}

int tail_param(const std::string& v) {
  // strconv.Atoi: an optional sign and decimal digits, else the engine sends everything.
  std::size_t i = (!v.empty() && (v[0] == '-' || v[0] == '+')) ? 1 : 0;
  if (i == v.size() || v.size() > 9) return -1;
  for (std::size_t j = i; j < v.size(); ++j)
    if (v[j] < '0' || v[j] > '9') return -1;
  const int n = std::stoi(v);
  return n < 0 ? -1 : n;
}

}  // namespace

LogQuery parse_log_query(const fakes::http::Target& t) {
  LogQuery q;
  q.out = bool_value(t, "stdout");
  q.err = bool_value(t, "stderr");
  if (!q.out && !q.err) throw bad_parameter("Bad parameters: you must choose at least one stream");
  q.since = timestamp_param(t, "since");
  q.until = timestamp_param(t, "until");
  q.timestamps = bool_value(t, "timestamps");
  q.follow = bool_value(t, "follow");
  q.tail = t.has("tail") ? tail_param(t.get("tail")) : -1;
  return q;
}

bool selected(const LogEntry& entry, const LogQuery& query) {
  if (entry.stream == OutputStream::out ? !query.out : !query.err) return false;
  if (query.since != 0 && entry.time_nano < query.since) return false;
  if (query.until != 0 && entry.time_nano > query.until) return false;
  return true;
}

std::vector<const LogEntry*> past_lines(const std::deque<LogEntry>& log, const LogQuery& query) {
  std::size_t first = 0;
  if (query.tail >= 0 && static_cast<std::size_t>(query.tail) < log.size()) first = log.size() - query.tail;
  std::vector<const LogEntry*> out;
  for (std::size_t i = first; i < log.size(); ++i)
    if (selected(log[i], query)) out.push_back(&log[i]);
  return out;
}

std::string format_rfc3339_nano_fixed(std::int64_t unix_nanos) {
  std::int64_t secs = unix_nanos / 1'000'000'000, frac = unix_nanos % 1'000'000'000;
  if (frac < 0) {
    frac += 1'000'000'000;
    --secs;
  }
  const auto t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(frac));
  return buf;
}

std::string render(const LogEntry& entry, const LogQuery& query, bool multiplexed) {
  std::string text = query.timestamps ? format_rfc3339_nano_fixed(entry.time_nano) + " " + entry.line : entry.line;
  return multiplexed ? frame(entry.stream, text) : text;
}

}  // namespace fakes::docker
