#include "fakes/dns/wire/dns_name.hpp"

#include <algorithm>
#include <stdexcept>

namespace fakes::dns {

char ascii_lower(char c) noexcept {
  // Deliberately not std::tolower: names are octets, and locale must not matter.
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(),
                    [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

DnsName DnsName::from_text(std::string_view text) {
  DnsName name;
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  if (text.empty()) return name;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = text.find('.', start);
    const std::string_view label =
        text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty()) throw std::invalid_argument("empty label in name");
    if (label.size() > kMaxLabelLength) throw std::invalid_argument("label longer than 63");
    name.labels_.emplace_back(label);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (name.wire_length() > kMaxNameLength) throw std::invalid_argument("name longer than 255");
  return name;
}

std::string DnsName::to_text() const {
  if (labels_.empty()) return ".";
  std::string out;
  for (const std::string& label : labels_) {
    for (const char c : label) {
      const auto u = static_cast<unsigned char>(c);
      if (c == '.' || c == '\\' || u < 0x21 || u > 0x7e) {
        out += '\\';
        out += static_cast<char>('0' + u / 100);
        out += static_cast<char>('0' + (u / 10) % 10);
        out += static_cast<char>('0' + u % 10);
      } else {
        out += c;
      }
    }
    out += '.';
  }
  return out;
}

std::size_t DnsName::wire_length() const noexcept {
  std::size_t n = 1;
  for (const std::string& label : labels_) n += 1 + label.size();
  return n;
}

DnsName DnsName::lower() const {
  DnsName out = *this;
  for (std::string& label : out.labels_) label = ascii_lower(label);
  return out;
}

bool DnsName::ends_with(const DnsName& suffix) const noexcept {
  if (suffix.labels_.size() > labels_.size()) return false;
  return std::equal(suffix.labels_.rbegin(), suffix.labels_.rend(), labels_.rbegin(),
                    [](const std::string& a, const std::string& b) { return iequals(a, b); });
}

bool operator==(const DnsName& a, const DnsName& b) noexcept {
  return a.labels_.size() == b.labels_.size() && a.ends_with(b);
}

}  // namespace fakes::dns
