#include "fakes/consul/checks/grpc/grpc_health_call.hpp"

#include "fakes/consul/checks/grpc/grpc_health_messages.hpp"

namespace fakes::consul::grpc {

namespace {

using http2::Frame;
using http2::FrameType;
namespace flag = http2::flag;

constexpr std::uint32_t kStream = 1;  // the call's stream: the client's first
constexpr std::size_t kMaxHeaderBlock = 64 * 1024;
constexpr std::uint32_t kProtocolError = 0x1, kFlowControlError = 0x3, kFrameSizeError = 0x6,
                        kCompressionError = 0x9;

// grpc-go's mapping of an HTTP status without grpc-status to a code (http_util.go).
const char* code_for_http_status(const std::string& status) {
  if (status == "400") return "Internal";
  if (status == "401") return "Unauthenticated";
  if (status == "403") return "PermissionDenied";
  if (status == "404") return "Unimplemented";
  if (status == "429" || status == "502" || status == "503" || status == "504") return "Unavailable";
  return "Unknown";
}

// grpc-go's mapping of a RST_STREAM error code to a status code.
const char* code_for_rst_stream(std::uint32_t code) {
  switch (code) {
    case 0x3: return "ResourceExhausted";   // FLOW_CONTROL_ERROR
    case 0x7: return "Unavailable";         // REFUSED_STREAM
    case 0x8: return "Canceled";            // CANCEL
    case 0xb: return "ResourceExhausted";   // ENHANCE_YOUR_CALM
    case 0xc: return "PermissionDenied";    // INADEQUATE_SECURITY
    default: return "Internal";
  }
}

}  // namespace

std::string rpc_error(std::string_view code_name, std::string_view desc) {
  return "rpc error: code = " + std::string(code_name) + " desc = " + std::string(desc);
}

HealthCall::HealthCall(std::string check_target, std::string authority, std::string service, bool tls)
    : target_(std::move(check_target)), authority_(std::move(authority)), service_(std::move(service)), tls_(tls) {}

std::string HealthCall::opening() const {
  std::string out(http2::kClientPreface);
  // No server push; the default header table size and frame size stay as they are.
  out += http2::encode_frame(FrameType::settings, 0, 0, http2::settings_entry(http2::setting::enable_push, 0));
  std::string block;
  hpack::encode_literal(block, ":method", "POST");
  hpack::encode_literal(block, ":scheme", tls_ ? "https" : "http");
  hpack::encode_literal(block, ":path", "/grpc.health.v1.Health/Check");
  hpack::encode_literal(block, ":authority", authority_);
  hpack::encode_literal(block, "content-type", "application/grpc");
  hpack::encode_literal(block, "user-agent", "fake-consul grpc-health-check");
  hpack::encode_literal(block, "te", "trailers");
  // A header block longer than one frame goes on in CONTINUATION frames.
  const std::size_t max = http2::kDefaultMaxFrameSize;
  for (std::size_t at = 0; at == 0 || at < block.size(); at += max) {
    const bool last = at + max >= block.size();
    const auto type = at == 0 ? FrameType::headers : FrameType::continuation;
    out += http2::encode_frame(type, last ? flag::end_headers : 0, kStream, std::string_view(block).substr(at, max));
  }
  const std::string message = length_prefixed(encode_health_request(service_));
  for (std::size_t at = 0; at < message.size(); at += max) {
    const bool last = at + max >= message.size();
    out += http2::encode_frame(FrameType::data, last ? flag::end_stream : 0, kStream,
                               std::string_view(message).substr(at, max));
  }
  return out;
}

std::string HealthCall::receive(std::string_view bytes) {
  std::string replies;
  if (done()) return replies;
  reader_.feed(bytes);
  while (!done()) {
    auto frame = reader_.next();
    if (!frame) {
      if (!reader_.error().empty()) protocol_error(reader_.error(), kFrameSizeError, replies);
      break;
    }
    saw_frame_ = true;
    handle(*frame, replies);
  }
  return replies;
}

void HealthCall::peer_closed() {
  if (done()) return;
  // As grpc-go tells a server that never spoke HTTP/2 (a TLS port asked in plain text, say)
  // from one that hung up mid-call.
  fail(rpc_error("Unavailable", saw_frame_ ? "error reading from server: EOF" : "connection closed before server preface received"));
}

void HealthCall::protocol_error(const std::string& what, std::uint32_t code, std::string& replies) {
  std::string goaway;
  http2::append_u32(goaway, 0);  // last stream id: none of the server's
  http2::append_u32(goaway, code);
  replies += http2::encode_frame(FrameType::goaway, 0, 0, goaway);
  fail(rpc_error("Internal", "HTTP/2 protocol error from server: " + what));
}

const std::string* HealthCall::header(const std::vector<hpack::HeaderField>& fields, std::string_view name) const {
  for (const auto& f : fields)
    if (f.name == name) return &f.value;
  return nullptr;
}

void HealthCall::handle(const Frame& frame, std::string& replies) {
  const std::string type_name = std::to_string(frame.type);
  if (in_block_ && (!frame.is(FrameType::continuation) || frame.stream_id != kStream))
    return protocol_error("expected CONTINUATION of the header block, got frame type " + type_name, kProtocolError, replies);
  std::string error;
  switch (static_cast<FrameType>(frame.type)) {
    case FrameType::data: {
      if (frame.stream_id != kStream)
        return protocol_error("DATA on stream " + std::to_string(frame.stream_id), kProtocolError, replies);
      if (!got_headers_) return protocol_error("DATA before the response HEADERS", kProtocolError, replies);
      const auto content = http2::frame_content(frame, error);
      if (!content) return protocol_error(error, kProtocolError, replies);
      // Padding counts against flow control too; the client never widens the initial window.
      if (data_.size() + frame.payload.size() > kMaxResponseBytes)
        return protocol_error("more DATA than the flow-control window allows", kFlowControlError, replies);
      data_.append(*content);
      if (frame.has(flag::end_stream)) stream_complete();
      return;
    }
    case FrameType::headers: {
      if (frame.stream_id != kStream)
        return protocol_error("HEADERS on stream " + std::to_string(frame.stream_id), kProtocolError, replies);
      const auto content = http2::frame_content(frame, error);
      if (!content) return protocol_error(error, kProtocolError, replies);
      block_.assign(*content);
      block_ends_stream_ = frame.has(flag::end_stream);
      if (frame.has(flag::end_headers)) return header_block_complete(replies);
      in_block_ = true;
      return;
    }
    case FrameType::continuation: {
      if (!in_block_) return protocol_error("CONTINUATION without a header block", kProtocolError, replies);
      if (block_.size() + frame.payload.size() > kMaxHeaderBlock)
        return protocol_error("header block larger than 64 KiB", kProtocolError, replies);
      block_.append(frame.payload);
      if (frame.has(flag::end_headers)) {
        in_block_ = false;
        header_block_complete(replies);
      }
      return;
    }
    case FrameType::settings: {
      if (frame.stream_id != 0) return protocol_error("SETTINGS on a stream", kProtocolError, replies);
      if (frame.has(flag::ack)) {
        if (!frame.payload.empty()) return protocol_error("SETTINGS ACK with a payload", kFrameSizeError, replies);
        return;
      }
      if (frame.payload.size() % 6 != 0)
        return protocol_error("SETTINGS payload not a multiple of 6 bytes", kFrameSizeError, replies);
      // Nothing the server may set changes what this client sends (small frames, no indexing).
      replies += http2::encode_frame(FrameType::settings, flag::ack, 0, {});
      return;
    }
    case FrameType::ping: {
      if (frame.stream_id != 0) return protocol_error("PING on a stream", kProtocolError, replies);
      if (frame.payload.size() != 8) return protocol_error("PING payload not 8 bytes", kFrameSizeError, replies);
      if (!frame.has(flag::ack)) replies += http2::encode_frame(FrameType::ping, flag::ack, 0, frame.payload);
      return;
    }
    case FrameType::window_update:
      if (frame.payload.size() != 4) return protocol_error("WINDOW_UPDATE payload not 4 bytes", kFrameSizeError, replies);
      return;
    case FrameType::priority:
      if (frame.payload.size() != 5) return protocol_error("PRIORITY payload not 5 bytes", kFrameSizeError, replies);
      return;
    case FrameType::rst_stream: {
      if (frame.payload.size() != 4) return protocol_error("RST_STREAM payload not 4 bytes", kFrameSizeError, replies);
      if (frame.stream_id == 0) return protocol_error("RST_STREAM on stream 0", kProtocolError, replies);
      const std::uint32_t code = http2::read_u32(frame.payload, 0);
      if (frame.stream_id == kStream)
        fail(rpc_error(code_for_rst_stream(code),
                       "stream terminated by RST_STREAM with error code: " + http2::error_code_name(code)));
      return;
    }
    case FrameType::goaway: {
      if (frame.stream_id != 0) return protocol_error("GOAWAY on a stream", kProtocolError, replies);
      if (frame.payload.size() < 8) return protocol_error("GOAWAY shorter than 8 bytes", kFrameSizeError, replies);
      const std::uint32_t last_stream = http2::read_u32(frame.payload, 0) & 0x7fffffffu;
      const std::uint32_t code = http2::read_u32(frame.payload, 4);
      // A graceful GOAWAY that covers the call lets it finish; otherwise the call was not handled.
      if (last_stream < kStream)
        fail(rpc_error("Unavailable", "the server sent GOAWAY (" + http2::error_code_name(code) +
                                          ") before handling the call"));
      return;
    }
    case FrameType::push_promise:
      return protocol_error("PUSH_PROMISE although the client disabled push", kProtocolError, replies);
  }
  // Unknown frame types are ignored (RFC 9113 4.1).
}

void HealthCall::header_block_complete(std::string& replies) {
  auto decoded = decoder_.decode(block_);
  block_.clear();
  if (!decoded.error.empty()) return protocol_error(decoded.error, kCompressionError, replies);
  if (!got_headers_) {
    got_headers_ = true;
    headers_ = std::move(decoded.headers);
    // 1xx informational headers would be followed by the real ones; gRPC servers send none.
  } else {
    if (!block_ends_stream_) return protocol_error("trailers without END_STREAM", kProtocolError, replies);
    trailers_ = std::move(decoded.headers);
  }
  if (block_ends_stream_) stream_complete();
}

void HealthCall::stream_complete() {
  const std::string* status = header(headers_, ":status");
  if (!status) return fail(rpc_error("Internal", "malformed header: missing HTTP status"));
  // Trailers-only answers carry grpc-status in the one header block.
  const auto& final_fields = trailers_.empty() ? headers_ : trailers_;
  const std::string* grpc_status = header(final_fields, "grpc-status");
  if (*status != "200" && !grpc_status)
    return fail(rpc_error(code_for_http_status(*status), "unexpected HTTP status code received from server: " + *status));
  const std::string* content_type = header(headers_, "content-type");
  if (!content_type || !content_type->starts_with("application/grpc"))
    return fail(rpc_error("Unknown", "transport: received unexpected content-type \"" +
                                         (content_type ? *content_type : std::string()) + "\""));
  if (!grpc_status) return fail(rpc_error("Internal", "server closed the stream without sending trailers"));
  std::int64_t code = -1;
  if (!grpc_status->empty() && grpc_status->size() <= 9 &&
      grpc_status->find_first_not_of("0123456789") == std::string::npos)
    code = std::stoll(*grpc_status);
  if (code < 0) return fail(rpc_error("Internal", "transport: malformed grpc-status: \"" + *grpc_status + "\""));
  if (code != 0) {
    const std::string* message = header(final_fields, "grpc-message");
    return fail(rpc_error(status_code_name(code), message ? decode_grpc_message(*message) : ""));
  }
  std::string error;
  const auto message = single_message(data_, error);
  if (!message) return fail(rpc_error("Internal", "grpc: failed to receive the response message: " + error));
  const auto response = decode_health_response(*message, error);
  if (!response) return fail(rpc_error("Internal", "grpc: failed to unmarshal the received message: " + error));
  if (response->status != 1)
    return fail("gRPC " + target_ + " serving status: " + serving_status_name(response->status));
  outcome_ = CallOutcome{HealthStatus::passing, "gRPC check " + target_ + ": success"};
}

}  // namespace fakes::consul::grpc
