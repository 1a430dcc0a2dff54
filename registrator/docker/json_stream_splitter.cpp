#include "registrator/docker/json_stream_splitter.hpp"

namespace registrator {

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
