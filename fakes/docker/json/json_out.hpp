#pragma once
// Writes compact JSON straight into a string, byte for byte what nlohmann's dump() prints for the
// same document (same escapes, no spaces). For views served thousands of times a second, where
// building an ordered_json first and dumping it costs more than the request itself.
#include <cstdint>
#include <string>
#include <string_view>

namespace fakes::docker {

class JsonOut {
 public:
  explicit JsonOut(std::string& out) : out_(out) {}

  JsonOut& begin_object() {
    separate();
    out_ += '{';
    need_comma_ = false;
    return *this;
  }
  JsonOut& end_object() {
    out_ += '}';
    need_comma_ = true;
    return *this;
  }
  JsonOut& begin_array() {
    separate();
    out_ += '[';
    need_comma_ = false;
    return *this;
  }
  JsonOut& end_array() {
    out_ += ']';
    need_comma_ = true;
    return *this;
  }
  /// The next value belongs to this key.
  JsonOut& key(std::string_view k) {
    separate();
    write_string(k);
    out_ += ':';
    need_comma_ = false;
    return *this;
  }
  JsonOut& str(std::string_view s) {
    separate();
    write_string(s);
    need_comma_ = true;
    return *this;
  }
  JsonOut& num(std::int64_t v) { return raw(std::to_string(v)); }
  JsonOut& boolean(bool v) { return raw(v ? "true" : "false"); }
  JsonOut& null() { return raw("null"); }
  /// An already serialized value.
  JsonOut& raw(std::string_view json) {
    separate();
    out_ += json;
    need_comma_ = true;
    return *this;
  }

 private:
  void separate() {
    if (need_comma_) out_ += ',';
  }
  void write_string(std::string_view s);

  std::string& out_;
  bool need_comma_ = false;
};

}  // namespace fakes::docker
