#pragma once
// HTTP/2 framing (RFC 9113 section 4 and 6) for the gRPC check's client: frames to send, and a
// reader that cuts the peer's byte stream into frames, refusing any frame larger than the
// client allows. Frame payloads are then taken apart (padding, priority) with bounds checks.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fakes::consul::http2 {

enum class FrameType : std::uint8_t {
  data = 0x0,
  headers = 0x1,
  priority = 0x2,
  rst_stream = 0x3,
  settings = 0x4,
  push_promise = 0x5,
  ping = 0x6,
  goaway = 0x7,
  window_update = 0x8,
  continuation = 0x9,
};

namespace flag {
constexpr std::uint8_t end_stream = 0x1;
constexpr std::uint8_t ack = 0x1;  // SETTINGS and PING
constexpr std::uint8_t end_headers = 0x4;
constexpr std::uint8_t padded = 0x8;
constexpr std::uint8_t priority = 0x20;
}  // namespace flag

namespace setting {
constexpr std::uint16_t header_table_size = 0x1;
constexpr std::uint16_t enable_push = 0x2;
constexpr std::uint16_t initial_window_size = 0x4;
constexpr std::uint16_t max_frame_size = 0x5;
}  // namespace setting

constexpr std::string_view kClientPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
constexpr std::size_t kFrameHeaderSize = 9;
constexpr std::uint32_t kDefaultMaxFrameSize = 16384;  // SETTINGS_MAX_FRAME_SIZE's initial value

struct Frame {
  std::uint8_t type = 0;  // a FrameType, or an unknown type (which HTTP/2 says to ignore)
  std::uint8_t flags = 0;
  std::uint32_t stream_id = 0;
  std::string payload;
  bool has(std::uint8_t f) const { return (flags & f) != 0; }
  bool is(FrameType t) const { return type == static_cast<std::uint8_t>(t); }
};

/// A frame's wire bytes: 9-byte header, then the payload (at most 2^24-1 bytes).
std::string encode_frame(FrameType type, std::uint8_t flags, std::uint32_t stream_id, std::string_view payload);

/// Appends a big-endian 32-bit value.
void append_u32(std::string& out, std::uint32_t value);

/// One SETTINGS entry's six bytes.
std::string settings_entry(std::uint16_t id, std::uint32_t value);

/// Cuts a byte stream into frames. Feed it what was read, then take frames until none is
/// complete. A frame longer than max_frame_size is a connection error (FRAME_SIZE_ERROR).
class FrameReader {
 public:
  explicit FrameReader(std::uint32_t max_frame_size = kDefaultMaxFrameSize) : max_frame_size_(max_frame_size) {}
  void feed(std::string_view bytes) { buffer_.append(bytes); }
  /// The next complete frame; nullopt when more bytes are needed or after an error.
  std::optional<Frame> next();
  const std::string& error() const { return error_; }
  std::size_t buffered() const { return buffer_.size() - consumed_; }

 private:
  std::uint32_t max_frame_size_;
  std::string buffer_;
  std::size_t consumed_ = 0;
  std::string error_;
};

/// The header block fragment or data of a HEADERS or DATA frame: without the PADDED pad
/// length and padding and the PRIORITY fields. nullopt (with `error` set) when the padding or
/// priority fields do not fit the payload (a PROTOCOL_ERROR).
std::optional<std::string_view> frame_content(const Frame& frame, std::string& error);

/// Reads a big-endian 32-bit value at `at` (the caller has checked the length).
std::uint32_t read_u32(std::string_view bytes, std::size_t at);

/// RFC 9113 7's error code name ("PROTOCOL_ERROR"), or the number for others.
std::string error_code_name(std::uint32_t code);

}  // namespace fakes::consul::http2
