#include "fakes/dns/answers/address_text.hpp"

#include <charconv>
#include <vector>

namespace fakes::dns {
namespace ip = boost::asio::ip;

std::optional<ip::address> parse_ip(std::string_view text) {
  boost::system::error_code ec;
  const ip::address a = ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  return a;
}

std::string hex_of(const ip::address& a) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  auto append = [&](const auto& bytes) {
    for (const unsigned char b : bytes) {
      out += kDigits[b >> 4];
      out += kDigits[b & 0x0f];
    }
  };
  if (a.is_v4()) append(a.to_v4().to_bytes());
  else append(a.to_v6().to_bytes());
  return out;
}

namespace {

int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

ip::address from_bytes(const std::vector<unsigned char>& bytes) {
  if (bytes.size() == 4) {
    ip::address_v4::bytes_type b{};
    std::copy(bytes.begin(), bytes.end(), b.begin());
    return ip::address_v4(b);
  }
  ip::address_v6::bytes_type b{};
  std::copy(bytes.begin(), bytes.end(), b.begin());
  return ip::address_v6(b);
}

}  // namespace

std::optional<ip::address> ip_of_hex(std::string_view hex) {
  if (hex.size() != 8 && hex.size() != 32) return std::nullopt;
  std::vector<unsigned char> bytes;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]);
    const int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    bytes.push_back(static_cast<unsigned char>(hi << 4 | lo));
  }
  return from_bytes(bytes);
}

std::optional<ip::address> address_from_reverse_name(const DnsName& name) {
  const auto& labels = name.labels();
  const std::size_t n = labels.size();
  if (n == 6 && labels[4] == "in-addr" && labels[5] == "arpa") {
    std::vector<unsigned char> bytes(4);
    for (std::size_t i = 0; i < 4; ++i) {
      const std::string& l = labels[3 - i];
      unsigned value = 256;
      const auto [end, err] = std::from_chars(l.data(), l.data() + l.size(), value);
      // Canonical decimal only: what dns.ReverseAddr would have produced.
      if (err != std::errc{} || end != l.data() + l.size() || value > 255 || (l.size() > 1 && l[0] == '0')) {
        return std::nullopt;
      }
      bytes[i] = static_cast<unsigned char>(value);
    }
    return from_bytes(bytes);
  }
  if (n == 34 && labels[32] == "ip6" && labels[33] == "arpa") {
    std::vector<unsigned char> bytes(16);
    for (std::size_t i = 0; i < 32; ++i) {
      const std::string& l = labels[31 - i];  // most significant nibble is the last label
      if (l.size() != 1 || nibble(l[0]) < 0) return std::nullopt;
      bytes[i / 2] = static_cast<unsigned char>(bytes[i / 2] | (nibble(l[0]) << (i % 2 == 0 ? 4 : 0)));
    }
    return from_bytes(bytes);
  }
  return std::nullopt;
}

}  // namespace fakes::dns
