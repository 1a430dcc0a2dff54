// A domain name as a list of labels (without the root label).
//
// Labels are kept as raw octets exactly as received; comparisons are ASCII case-insensitive
// (RFC 4343), which is how Consul matches names too.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace fakes::dns {

inline constexpr std::size_t kMaxLabelLength = 63;
inline constexpr std::size_t kMaxNameLength = 255;  // wire octets including the root label

char ascii_lower(char c) noexcept;
std::string ascii_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b) noexcept;

class DnsName {
 public:
  DnsName() = default;
  explicit DnsName(std::vector<std::string> labels) : labels_(std::move(labels)) {}

  /// Parses "a.b.c" or "a.b.c." (no escapes; "." or "" is the root).
  /// Throws std::invalid_argument on empty or over-long labels or names.
  static DnsName from_text(std::string_view text);

  /// "a.b.c." ; the root is ".". Non-printable octets and dots inside labels are escaped
  /// as \DDD so the text form is unambiguous.
  [[nodiscard]] std::string to_text() const;

  [[nodiscard]] const std::vector<std::string>& labels() const noexcept { return labels_; }
  [[nodiscard]] bool is_root() const noexcept { return labels_.empty(); }
  /// Octets on the wire, uncompressed, including the terminating root label.
  [[nodiscard]] std::size_t wire_length() const noexcept;

  [[nodiscard]] DnsName lower() const;
  /// Case-insensitive: does this name end with `suffix`?
  [[nodiscard]] bool ends_with(const DnsName& suffix) const noexcept;

  void push_back(std::string label) { labels_.push_back(std::move(label)); }

  friend bool operator==(const DnsName& a, const DnsName& b) noexcept;  // case-insensitive

 private:
  std::vector<std::string> labels_;
};

}  // namespace fakes::dns
