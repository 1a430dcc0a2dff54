#include "fakes/docker/api/stream_framing.hpp"

#include <cstdint>
#include <limits>

namespace fakes::docker {

namespace {
constexpr std::size_t kHeaderSize = 8;
constexpr std::size_t kMaxPayload = std::numeric_limits<std::uint32_t>::max();
}  // namespace

std::string frame(OutputStream stream, std::string_view payload) {
  std::string out;
  out.reserve(payload.size() + kHeaderSize);
  do {
    const std::size_t n = std::min(payload.size(), kMaxPayload);
    const auto size = static_cast<std::uint32_t>(n);
    out += static_cast<char>(stream);
    out.append(3, '\0');
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((size >> shift) & 0xff);
    out.append(payload.substr(0, n));
    payload.remove_prefix(n);
  } while (!payload.empty());
  return out;
}

std::optional<std::vector<Frame>> parse_frames(std::string_view bytes) {
  std::vector<Frame> frames;
  while (!bytes.empty()) {
    if (bytes.size() < kHeaderSize) return std::nullopt;
    if (bytes[1] != '\0' || bytes[2] != '\0' || bytes[3] != '\0') return std::nullopt;
    std::uint32_t size = 0;
    for (int i = 4; i < 8; ++i) size = (size << 8) | static_cast<unsigned char>(bytes[i]);
    if (bytes.size() - kHeaderSize < size) return std::nullopt;
    frames.push_back(Frame{static_cast<std::uint8_t>(bytes[0]), std::string(bytes.substr(kHeaderSize, size))});
    bytes.remove_prefix(kHeaderSize + size);
  }
  return frames;
}

}  // namespace fakes::docker
