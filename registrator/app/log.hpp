#pragma once
// The process's logger, on stderr, in one of two formats:
//  * text (default): Go `log` package formatting, "2006/01/02 15:04:05 message", as upstream;
//  * json (-log-format json): one JSON object per line, {"time","level","message", fields...},
//    for log shippers that would otherwise have to parse upstream's free text.
// Call sites use write(): upstream's wording as the message (the text format is upstream's), the
// level and the fields (container_id, service_id, backend, error, ...) said where they are known.
// line() is for text worded elsewhere in upstream's words (the service builder's notes): in json
// its level and fields are read from that wording (log_record.hpp).
#include <functional>
#include <string>
#include <string_view>

#include "registrator/app/log_record.hpp"

namespace registrator::log {

using Sink = std::function<void(std::string_view line)>;

enum class Format { text, json };

/// Writes one line (a trailing newline is added). json: level and fields from classify().
void line(std::string_view message);

/// Writes one line with an explicit level and fields. text: the message alone (it must read
/// whole without the fields); json: the fields beside it.
void write(Level level, std::string_view message, const Fields& fields = {});

/// A line made now and written later (work prepared on one thread, logged on another).
struct Line {
  Level level = Level::info;
  std::string message;
  Fields fields;
};
void write(const Line& line);

/// Chooses the output format for every later line (set once, from the flags, before threads).
void set_format(Format format);

/// Replaces the output (tests capture lines); an empty sink restores stderr.
/// The sink receives the message without timestamp, level or fields, whatever the format.
void set_sink(Sink sink);

/// While one exists, lines logged by the thread that made it are dropped: the health probe's
/// pings would otherwise log "current leader" every few seconds (its outcome changes are logged).
class MuteThisThread {
 public:
  MuteThisThread();
  ~MuteThisThread();
  MuteThisThread(const MuteThisThread&) = delete;
  MuteThisThread& operator=(const MuteThisThread&) = delete;

 private:
  bool was_muted_;
};

/// First 12 characters of a container id, like upstream's `id[:12]` (shorter ids are kept whole).
std::string id12(std::string_view id);

}  // namespace registrator::log
