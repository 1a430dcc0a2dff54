#include "registrator/app/log.hpp"

#include <atomic>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

namespace registrator::log {
namespace {
std::mutex& mutex() {
  static std::mutex m;
  return m;
}
Sink& sink() {
  static Sink s;
  return s;
}
std::atomic<Format>& current_format() {
  static std::atomic<Format> f{Format::text};
  return f;
}
thread_local bool muted = false;

void emit(Record record) {
  if (muted) return;
  std::lock_guard lock(mutex());
  if (sink()) {
    sink()(record.message);
    return;
  }
  std::string out;
  if (current_format().load() == Format::json) {
    out = to_json_line(record);
  } else {
    const std::time_t now = std::chrono::system_clock::to_time_t(record.time);
    std::tm tm{};
    localtime_r(&now, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y/%m/%d %H:%M:%S", &tm);
    out.reserve(record.message.size() + 21);
    out.append(stamp).append(" ").append(record.message);
    if (out.back() != '\n') out.push_back('\n');
  }
  std::fwrite(out.data(), 1, out.size(), stderr);
  std::fflush(stderr);
}
}  // namespace

void set_sink(Sink s) {
  std::lock_guard lock(mutex());
  sink() = std::move(s);
}

void set_format(Format format) { current_format().store(format); }

void line(std::string_view message) {
  if (muted) return;
  Record record = current_format().load() == Format::json ? classify(message) : Record{{}, Level::info, std::string(message), {}};
  record.time = std::chrono::system_clock::now();
  emit(std::move(record));
}

void write(Level level, std::string_view message, const Fields& fields) {
  emit(Record{std::chrono::system_clock::now(), level, std::string(message), fields});
}

void write(const Line& l) { write(l.level, l.message, l.fields); }

MuteThisThread::MuteThisThread() : was_muted_(muted) { muted = true; }
MuteThisThread::~MuteThisThread() { muted = was_muted_; }

std::string id12(std::string_view id) { return std::string(id.substr(0, 12)); }

}  // namespace registrator::log
