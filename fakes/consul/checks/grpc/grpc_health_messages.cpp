#include "fakes/consul/checks/grpc/grpc_health_messages.hpp"

#include <array>

#include "fakes/consul/checks/grpc/http2_frames.hpp"

namespace fakes::consul::grpc {

namespace {

void append_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// At most 10 bytes, as protobuf's varints; nullopt when truncated or longer.
std::optional<std::uint64_t> read_varint(std::string_view bytes, std::size_t& at) {
  std::uint64_t value = 0;
  for (unsigned i = 0; i < 10; ++i) {
    if (at >= bytes.size()) return std::nullopt;
    const auto b = static_cast<std::uint8_t>(bytes[at++]);
    value |= static_cast<std::uint64_t>(b & 0x7f) << (7 * i);
    if (!(b & 0x80)) return value;
  }
  return std::nullopt;
}

}  // namespace

std::string encode_health_request(std::string_view service) {
  std::string out;
  if (service.empty()) return out;
  out.push_back(0x0a);  // field 1, wire type 2 (length-delimited)
  append_varint(out, service.size());
  out.append(service);
  return out;
}

std::optional<HealthResponse> decode_health_response(std::string_view bytes, std::string& error) {
  HealthResponse response;
  std::size_t at = 0;
  while (at < bytes.size()) {
    const auto key = read_varint(bytes, at);
    if (!key) {
      error = "truncated field key";
      return std::nullopt;
    }
    const std::uint64_t field = *key >> 3;
    const unsigned wire_type = static_cast<unsigned>(*key & 7);
    if (field == 0) {
      error = "field number 0";
      return std::nullopt;
    }
    switch (wire_type) {
      case 0: {  // varint
        const auto v = read_varint(bytes, at);
        if (!v) {
          error = "truncated varint";
          return std::nullopt;
        }
        // Enums are int32 on the wire as sign-extended varints; the last one wins.
        if (field == 1) response.status = static_cast<std::int32_t>(static_cast<std::uint32_t>(*v));
        break;
      }
      case 1:  // 64-bit
      case 5: {  // 32-bit
        const std::size_t n = wire_type == 1 ? 8 : 4;
        if (bytes.size() - at < n) {
          error = "truncated fixed-size field";
          return std::nullopt;
        }
        at += n;
        break;
      }
      case 2: {  // length-delimited
        const auto length = read_varint(bytes, at);
        if (!length || *length > bytes.size() - at) {
          error = "length-delimited field runs past the message";
          return std::nullopt;
        }
        at += static_cast<std::size_t>(*length);
        break;
      }
      default:
        error = "wire type " + std::to_string(wire_type) + " is not supported";
        return std::nullopt;
    }
    if (field == 1 && wire_type != 0) {
      error = "status field with wire type " + std::to_string(wire_type);
      return std::nullopt;
    }
  }
  return response;
}

std::string length_prefixed(std::string_view message) {
  std::string out;
  out.push_back(0);  // not compressed
  http2::append_u32(out, static_cast<std::uint32_t>(message.size()));
  out.append(message);
  return out;
}

std::optional<std::string_view> single_message(std::string_view body, std::string& error) {
  if (body.empty()) {
    error = "no response message";
    return std::nullopt;
  }
  if (body.size() < 5) {
    error = "truncated message prefix";
    return std::nullopt;
  }
  if (body[0] != 0) {
    error = "compressed flag set with identity or empty encoding";
    return std::nullopt;
  }
  const std::uint32_t length = http2::read_u32(body, 1);
  if (length > body.size() - 5) {
    error = "message of " + std::to_string(length) + " bytes is cut short";
    return std::nullopt;
  }
  if (length < body.size() - 5) {
    error = "more than one response message";
    return std::nullopt;
  }
  return body.substr(5, length);
}

std::string status_code_name(std::int64_t code) {
  static constexpr std::array<const char*, 17> kNames = {
      "OK",          "Canceled",         "Unknown",         "InvalidArgument", "DeadlineExceeded", "NotFound",
      "AlreadyExists", "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted",      "OutOfRange",
      "Unimplemented", "Internal",        "Unavailable",     "DataLoss",        "Unauthenticated"};
  if (code >= 0 && code < static_cast<std::int64_t>(kNames.size())) return kNames[static_cast<std::size_t>(code)];
  return "Code(" + std::to_string(code) + ")";
}

std::string serving_status_name(std::int64_t status) {
  static constexpr std::array<const char*, 4> kNames = {"UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"};
  if (status >= 0 && status < static_cast<std::int64_t>(kNames.size())) return kNames[static_cast<std::size_t>(status)];
  return std::to_string(status);
}

std::string decode_grpc_message(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

}  // namespace fakes::consul::grpc
