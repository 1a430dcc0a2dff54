#pragma once
// Which of a container's printed lines a logs or attach request gets, and how each is written:
// the query parameters of GET /containers/{id}/logs (stdout, stderr, timestamps, tail, since,
// until, follow) with the engine's checks, and the engine's line format.

#include "fakes/docker/engine/process_script.hpp"

#include "fakes/common/url.hpp"

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace fakes::docker {

struct LogQuery {
  bool out = false, err = false;
  bool timestamps = false;
  bool follow = false;
  int tail = -1;           // the last N lines printed so far; -1: all (also for a tail Atoi refuses)
  std::int64_t since = 0;  // ns; lines stamped before it are left out (0: none)
  std::int64_t until = 0;  // ns; lines stamped after it are left out, and following ends there
};

/// The engine's 400s: no stream chosen, since/until that are not Unix timestamps.
LogQuery parse_log_query(const fakes::http::Target& target);

/// A stream the query asks for, within since/until.
bool selected(const LogEntry& entry, const LogQuery& query);
/// The lines printed so far that the answer starts with: the last `tail`, then since/until and
/// the streams applied (as the json-file driver reads the tail first).
std::vector<const LogEntry*> past_lines(const std::deque<LogEntry>& log, const LogQuery& query);
/// One line as the engine writes it: with its RFC 3339 time (nine fraction digits) and a space
/// before it when asked, in a stdcopy frame unless the container has a TTY.
std::string render(const LogEntry& entry, const LogQuery& query, bool multiplexed);

/// Go's RFC3339NanoFixed in UTC, "2026-01-02T15:04:05.000000000Z": the engine's log stamps.
std::string format_rfc3339_nano_fixed(std::int64_t unix_nanos);

}  // namespace fakes::docker
