#include "fakes/consul/checks/grpc/http2_frames.hpp"

#include <array>

namespace fakes::consul::http2 {

std::uint32_t read_u32(std::string_view bytes, std::size_t at) {
  return (static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[at])) << 24) |
         (static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[at + 1])) << 16) |
         (static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[at + 2])) << 8) |
         static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[at + 3]));
}

std::string encode_frame(FrameType type, std::uint8_t flags, std::uint32_t stream_id, std::string_view payload) {
  std::string out;
  out.reserve(kFrameHeaderSize + payload.size());
  const auto length = static_cast<std::uint32_t>(payload.size());
  out.push_back(static_cast<char>((length >> 16) & 0xff));
  out.push_back(static_cast<char>((length >> 8) & 0xff));
  out.push_back(static_cast<char>(length & 0xff));
  out.push_back(static_cast<char>(type));
  out.push_back(static_cast<char>(flags));
  append_u32(out, stream_id & 0x7fffffffu);  // the reserved bit stays 0
  out.append(payload);
  return out;
}

void append_u32(std::string& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((value >> shift) & 0xff));
}

std::string settings_entry(std::uint16_t id, std::uint32_t value) {
  std::string out;
  out.push_back(static_cast<char>(id >> 8));
  out.push_back(static_cast<char>(id & 0xff));
  append_u32(out, value);
  return out;
}

std::optional<Frame> FrameReader::next() {
  if (!error_.empty()) return std::nullopt;
  const std::string_view pending = std::string_view(buffer_).substr(consumed_);
  if (pending.size() < kFrameHeaderSize) return std::nullopt;
  const std::uint32_t length = (static_cast<std::uint32_t>(static_cast<std::uint8_t>(pending[0])) << 16) |
                               (static_cast<std::uint32_t>(static_cast<std::uint8_t>(pending[1])) << 8) |
                               static_cast<std::uint32_t>(static_cast<std::uint8_t>(pending[2]));
  if (length > max_frame_size_) {
    error_ = "frame of " + std::to_string(length) + " bytes exceeds the maximum frame size " + std::to_string(max_frame_size_);
    return std::nullopt;
  }
  if (pending.size() < kFrameHeaderSize + length) return std::nullopt;
  Frame frame;
  frame.type = static_cast<std::uint8_t>(pending[3]);
  frame.flags = static_cast<std::uint8_t>(pending[4]);
  frame.stream_id = read_u32(pending, 5) & 0x7fffffffu;  // the reserved bit is ignored
  frame.payload = std::string(pending.substr(kFrameHeaderSize, length));
  consumed_ += kFrameHeaderSize + length;
  // Drop consumed bytes now and then rather than on every frame.
  if (consumed_ > 4096 && consumed_ * 2 > buffer_.size()) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  return frame;
}

std::optional<std::string_view> frame_content(const Frame& frame, std::string& error) {
  std::string_view content = frame.payload;
  std::size_t pad = 0;
  if (frame.has(flag::padded)) {
    if (content.empty()) {
      error = "PADDED frame without a pad length";
      return std::nullopt;
    }
    pad = static_cast<std::uint8_t>(content[0]);
    content.remove_prefix(1);
  }
  if (frame.is(FrameType::headers) && frame.has(flag::priority)) {
    if (content.size() < 5) {
      error = "HEADERS frame too short for its PRIORITY fields";
      return std::nullopt;
    }
    content.remove_prefix(5);
  }
  if (pad > content.size()) {
    error = "padding of " + std::to_string(pad) + " bytes is longer than the frame's content";
    return std::nullopt;
  }
  content.remove_suffix(pad);
  return content;
}

std::string error_code_name(std::uint32_t code) {
  static constexpr std::array<const char*, 14> kNames = {
      "NO_ERROR",       "PROTOCOL_ERROR", "INTERNAL_ERROR",     "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT",
      "STREAM_CLOSED",  "FRAME_SIZE_ERROR", "REFUSED_STREAM",   "CANCEL",             "COMPRESSION_ERROR",
      "CONNECT_ERROR",  "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"};
  if (code < kNames.size()) return kNames[code];
  return "unknown error code 0x" + [&] {
    static const char* digits = "0123456789abcdef";
    std::string hex;
    for (int shift = 28; shift >= 0; shift -= 4) hex.push_back(digits[(code >> shift) & 0xf]);
    return hex.substr(hex.find_first_not_of('0') == std::string::npos ? 7 : hex.find_first_not_of('0'));
  }();
}

}  // namespace fakes::consul::http2
