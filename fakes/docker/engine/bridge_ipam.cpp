#include "fakes/docker/engine/bridge_ipam.hpp"

#include <algorithm>
#include <cstdio>

namespace fakes::docker {

namespace {
constexpr std::uint32_t kFirst = 2;            // .0.1 is the gateway
constexpr std::uint32_t kLast = (1u << 16) - 2;  // .255.255 is broadcast

std::string to_text(std::uint32_t addr) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 255, (addr >> 8) & 255, addr & 255);
  return buf;
}

std::optional<std::uint32_t> parse(const std::string& ip) {
  unsigned a, b, c, d;
  char tail;
  if (std::sscanf(ip.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4) return std::nullopt;
  if (a > 255 || b > 255 || c > 255 || d > 255) return std::nullopt;
  return (a << 24) | (b << 16) | (c << 8) | d;
}
}  // namespace

BridgeIpam::BridgeIpam(int second_octet)
    : base_((172u << 24) | (static_cast<std::uint32_t>(second_octet & 255) << 16)), lowest_maybe_free_(kFirst) {}

std::string BridgeIpam::subnet() const { return to_text(base_) + "/" + std::to_string(kPrefixLen); }

std::string BridgeIpam::gateway() const { return to_text(base_ + 1); }

std::optional<std::string> BridgeIpam::allocate() {
  std::uint32_t candidate = lowest_maybe_free_;
  for (auto it = used_.lower_bound(candidate); it != used_.end() && *it == candidate; ++it) ++candidate;
  if (candidate > kLast) return std::nullopt;
  used_.insert(candidate);
  lowest_maybe_free_ = candidate + 1;
  return to_text(base_ + candidate);
}

bool BridgeIpam::claim(const std::string& ip) {
  const auto addr = parse(ip);
  if (!addr || (*addr & 0xffff0000u) != base_) return false;
  const std::uint32_t offset = *addr - base_;
  if (offset < kFirst || offset > kLast) return false;
  return used_.insert(offset).second;
}

void BridgeIpam::release(const std::string& ip) {
  if (auto addr = parse(ip); addr && used_.erase(*addr - base_) > 0)
    lowest_maybe_free_ = std::min(lowest_maybe_free_, *addr - base_);
}

std::string BridgeIpam::mac_for(const std::string& ip) {
  auto addr = parse(ip);
  if (!addr) return "";
  char buf[24];
  std::snprintf(buf, sizeof buf, "02:42:%02x:%02x:%02x:%02x", *addr >> 24, (*addr >> 16) & 255, (*addr >> 8) & 255,
                *addr & 255);
  return buf;
}

}  // namespace fakes::docker
