#include <charconv>

#include "registrator/docker/docker_client.hpp"

namespace registrator {
namespace {

std::string str_field(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t int_field(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return 0;
  auto it = j.find(key);
  if (it == j.end()) return 0;
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (it->is_number_float()) return static_cast<std::int64_t>(it->get<double>());
  return 0;
}

}  // namespace

std::optional<DockerEvent> parse_docker_event(const nlohmann::json& j) {
  if (!j.is_object()) return std::nullopt;
  DockerEvent e;
  e.type = str_field(j, "Type");
  e.action = str_field(j, "Action");
  if (e.action.empty()) e.action = str_field(j, "status");  // engines before API 1.22
  auto actor = j.find("Actor");
  if (actor != j.end() && actor->is_object()) {
    e.id = str_field(*actor, "ID");
    auto attrs = actor->find("Attributes");
    if (attrs != actor->end() && attrs->is_object()) {
      for (const auto& [k, v] : attrs->items()) {
        if (v.is_string()) e.attributes[k] = v.get<std::string>();
        else if (!v.is_null()) e.attributes[k] = v.dump();
      }
    }
  }
  if (e.id.empty()) e.id = str_field(j, "id");
  if (e.type.empty() && j.contains("status")) e.type = "container";  // legacy container events have no Type
  e.time = int_field(j, "time");
  e.time_nano = int_field(j, "timeNano");
  if (e.time_nano == 0 && e.time != 0) e.time_nano = e.time * 1'000'000'000;
  if (e.action.empty() || e.id.empty()) return std::nullopt;
  return e;
}

std::vector<std::string> JsonStreamSplitter::feed(std::string_view bytes) {
  std::vector<std::string> out;
  buf_.append(bytes);
  auto emit_until = [&](std::size_t end) {  // [start_, end) is one text, good or not
    out.push_back(buf_.substr(start_, end - start_));
    start_ = std::string::npos;
  };
  for (; scan_ < buf_.size(); ++scan_) {
    char c = buf_[scan_];
    if (start_ == std::string::npos) {
      if (c == '\n' || c == '\r' || c == ' ' || c == '\t' || c == '\x1e') continue;
      start_ = scan_;
      stray_ = !(c == '{' || c == '[');
      depth_ = stray_ ? 0 : 1;
      in_string_ = false;
      escape_ = false;
      continue;
    }
    // Docker writes one compact JSON text per line (Go's json.Encoder escapes newlines in
    // strings), so a newline inside a value means the value is broken: it ends there and is
    // handed on (and reported as undecodable) instead of swallowing every later event.
    if (c == '\n') {
      emit_until(scan_);
      continue;
    }
    if (stray_) {
      // Bytes between values that are not JSON: handed on up to the next line or value.
      if (c == '{' || c == '[' || c == '\x1e') {
        emit_until(scan_);
        --scan_;  // this byte starts the next value
      }
      continue;
    }
    if (in_string_) {
      if (escape_) escape_ = false;
      else if (c == '\\') escape_ = true;
      else if (c == '"') in_string_ = false;
      continue;
    }
    if (c == '"') in_string_ = true;
    else if (c == '{' || c == '[') ++depth_;
    else if (c == '}' || c == ']') {
      if (--depth_ == 0) emit_until(scan_ + 1);
    }
  }
  // A peer that never ends a line must not grow the buffer without bound.
  if (start_ != std::string::npos && scan_ - start_ > kMaxText) emit_until(scan_);
  // Drop consumed bytes.
  std::size_t keep_from = start_ == std::string::npos ? buf_.size() : start_;
  buf_.erase(0, keep_from);
  scan_ -= keep_from;
  if (start_ != std::string::npos) start_ = 0;
  return out;
}

}  // namespace registrator
