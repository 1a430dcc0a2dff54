#pragma once
// Splits Docker's /events byte stream into JSON texts, whatever the chunk boundaries; kept apart
// from the HTTP client and the event decoding so the fuzz properties can drive it alone.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace registrator {

/// Splits a byte stream into top-level JSON texts (objects/arrays), tolerating newlines,
/// RFC 7464 record separators and arbitrary chunk boundaries. Bytes that cannot be a value (stray
/// text between values, a value cut off by a newline, one longer than kMaxText) are returned
/// too, so the caller reports them; what follows them is split as usual.
class JsonStreamSplitter {
 public:
  /// Appends bytes; returns the complete JSON texts found so far.
  std::vector<std::string> feed(std::string_view bytes);
  /// Bytes buffered for an incomplete value.
  std::size_t pending() const { return buf_.size(); }
  static constexpr std::size_t kMaxText = 4 << 20;

 private:
  std::string buf_;
  std::size_t scan_ = 0;
  int depth_ = 0;
  bool in_string_ = false;
  bool escape_ = false;
  bool stray_ = false;  ///< the current text does not start like a JSON value
  std::size_t start_ = std::string::npos;
};

}  // namespace registrator
