#include "registrator/app/log.hpp"

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
}  // namespace

void set_sink(Sink s) {
  std::lock_guard lock(mutex());
  sink() = std::move(s);
}

void line(std::string_view message) {
  std::lock_guard lock(mutex());
  if (sink()) {
    sink()(message);
    return;
  }
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y/%m/%d %H:%M:%S", &tm);
  std::string out;
  out.reserve(message.size() + 21);
  out.append(stamp).append(" ").append(message);
  if (out.empty() || out.back() != '\n') out.push_back('\n');
  std::fwrite(out.data(), 1, out.size(), stderr);
  std::fflush(stderr);
}

std::string id12(std::string_view id) { return std::string(id.substr(0, 12)); }

}  // namespace registrator::log
