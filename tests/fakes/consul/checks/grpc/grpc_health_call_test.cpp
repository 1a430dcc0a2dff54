// One Health/Check call without sockets: what the client sends (a server's HPACK decoder reads
// its request), and the outcome and acknowledgements for what servers answer: a response in
// headers, message and trailers (Huffman strings, dynamic table references, byte by byte),
// trailers-only errors, serving statuses, resets, broken frames and early closes; the words
// are Consul's (grpc-go's errors).
#include <gtest/gtest.h>

#include "fakes/consul/checks/grpc/grpc_health_call.hpp"
#include "fakes/consul/checks/grpc/grpc_health_messages.hpp"
#include "fakes/consul/checks/grpc/hpack_huffman.hpp"

namespace fakes::consul::grpc {
namespace {

using http2::encode_frame;
using http2::FrameType;
namespace flag = http2::flag;

const std::string kTarget = "127.0.0.1:50051/web";

// A literal with incremental indexing and a Huffman-coded value, as servers send new fields.
void indexed_literal(std::string& block, std::string_view name, std::string_view value) {
  block.push_back(0x40);
  hpack::encode_integer(block, name.size(), 7, 0);
  block.append(name);
  const auto coded = hpack::huffman_encode(value);
  hpack::encode_integer(block, coded.size(), 7, 0x80);
  block.append(coded);
}

std::string response_headers() {
  std::string block;
  block.push_back(static_cast<char>(0x88));  // :status 200 from the static table
  indexed_literal(block, "content-type", "application/grpc");
  return encode_frame(FrameType::headers, flag::end_headers, 1, block);
}

std::string trailers(std::string_view status, std::string_view message = {}) {
  std::string block;
  indexed_literal(block, "grpc-status", status);
  if (!message.empty()) indexed_literal(block, "grpc-message", message);
  return encode_frame(FrameType::headers, flag::end_headers | flag::end_stream, 1, block);
}

// A header block carrying :status 200, content-type, grpc-status and, when given, grpc-message
// (what a trailers-only answer sends).
std::string status_header_block(std::string_view status, std::string_view message = {}) {
  std::string block;
  block.push_back(static_cast<char>(0x88));
  indexed_literal(block, "content-type", "application/grpc");
  indexed_literal(block, "grpc-status", status);
  if (!message.empty()) indexed_literal(block, "grpc-message", message);
  return block;
}

std::string health_message(std::int64_t status) {
  std::string message;
  if (status != 0) message = std::string{0x08, static_cast<char>(status)};
  return encode_frame(FrameType::data, 0, 1, length_prefixed(message));
}

std::string server_settings() { return encode_frame(FrameType::settings, 0, 0, http2::settings_entry(3, 100)); }

HealthCall call() { return HealthCall(kTarget, "127.0.0.1:50051", "web", false); }

TEST(GrpcHealthCall, OpeningIsPrefaceSettingsAndTheRequest) {
  const std::string bytes = call().opening();
  ASSERT_EQ(bytes.substr(0, 24), "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
  http2::FrameReader reader;
  reader.feed(std::string_view(bytes).substr(24));
  auto settings = reader.next();
  ASSERT_TRUE(settings && settings->is(FrameType::settings));
  EXPECT_EQ(settings->payload, http2::settings_entry(http2::setting::enable_push, 0));
  auto headers = reader.next();
  ASSERT_TRUE(headers && headers->is(FrameType::headers));
  EXPECT_EQ(headers->stream_id, 1u);
  EXPECT_TRUE(headers->has(flag::end_headers));
  EXPECT_FALSE(headers->has(flag::end_stream));
  hpack::Decoder server;
  const auto fields = server.decode(headers->payload);
  ASSERT_EQ(fields.error, "");
  EXPECT_EQ(fields.headers, (std::vector<hpack::HeaderField>{{":method", "POST"},
                                                             {":scheme", "http"},
                                                             {":path", "/grpc.health.v1.Health/Check"},
                                                             {":authority", "127.0.0.1:50051"},
                                                             {"content-type", "application/grpc"},
                                                             {"user-agent", "fake-consul grpc-health-check"},
                                                             {"te", "trailers"}}));
  auto data = reader.next();
  ASSERT_TRUE(data && data->is(FrameType::data));
  EXPECT_TRUE(data->has(flag::end_stream));
  EXPECT_EQ(data->payload, std::string("\0\0\0\0\5\x0a\3web", 10));
  EXPECT_FALSE(reader.next());
  EXPECT_EQ(reader.buffered(), 0u);
  // TLS changes the scheme; the whole server is the empty request message.
  const std::string tls = HealthCall("127.0.0.1:1", "127.0.0.1:1", "", true).opening();
  EXPECT_NE(tls.find(":scheme\x05https"), std::string::npos);
  EXPECT_EQ(tls.substr(tls.size() - 5), std::string("\0\0\0\0\0", 5));
}

TEST(GrpcHealthCall, ServingAnswerByteByByteIsPassingAndSettingsAndPingAreAcknowledged) {
  auto c = call();
  const std::string answer = server_settings() + encode_frame(FrameType::ping, 0, 0, "pingdata") +
                             encode_frame(FrameType::window_update, 0, 0, std::string("\0\0\1\0", 4)) +
                             response_headers() + health_message(1) + trailers("0");
  std::string replies;
  for (char byte : answer) {
    ASSERT_FALSE(c.done());
    replies += c.receive(std::string_view(&byte, 1));
  }
  ASSERT_TRUE(c.done());
  EXPECT_EQ(c.outcome().status, HealthStatus::passing);
  EXPECT_EQ(c.outcome().output, "gRPC check 127.0.0.1:50051/web: success");
  EXPECT_EQ(replies, encode_frame(FrameType::settings, flag::ack, 0, "") + encode_frame(FrameType::ping, flag::ack, 0, "pingdata"));
}

TEST(GrpcHealthCall, DynamicTableCarriesOverToTheTrailers) {
  auto c = call();
  const std::string block = status_header_block("0");  // grpc-status is indexed now (62), referred to in the trailers
  std::string trailer_block;
  trailer_block.push_back(static_cast<char>(0x80 | 62));
  c.receive(encode_frame(FrameType::headers, flag::end_headers, 1, block) + health_message(1) +
            encode_frame(FrameType::headers, flag::end_headers | flag::end_stream, 1, trailer_block));
  ASSERT_TRUE(c.done());
  EXPECT_EQ(c.outcome().status, HealthStatus::passing) << c.outcome().output;
}

TEST(GrpcHealthCall, EveryStatusButServingIsCriticalNamedAsGoNamesIt) {
  for (const auto& [status, name] : std::vector<std::pair<int, std::string>>{
           {0, "UNKNOWN"}, {2, "NOT_SERVING"}, {3, "SERVICE_UNKNOWN"}, {9, "9"}}) {
    auto c = call();
    c.receive(response_headers() + health_message(status) + trailers("0"));
    ASSERT_TRUE(c.done());
    EXPECT_EQ(c.outcome().status, HealthStatus::critical);
    EXPECT_EQ(c.outcome().output, "gRPC 127.0.0.1:50051/web serving status: " + name);
  }
}

TEST(GrpcHealthCall, GrpcStatusInATrailersOnlyAnswerIsCriticalWithItsMessage) {
  auto c = call();
  c.receive(encode_frame(FrameType::headers, flag::end_headers | flag::end_stream, 1,
                         status_header_block("5", "unknown%20service%3A web")));
  ASSERT_TRUE(c.done());
  EXPECT_EQ(c.outcome().status, HealthStatus::critical);
  EXPECT_EQ(c.outcome().output, "rpc error: code = NotFound desc = unknown service: web");
}

TEST(GrpcHealthCall, HeaderBlockAcrossContinuationFrames) {
  auto c = call();
  const std::string block = status_header_block("12");
  c.receive(encode_frame(FrameType::headers, flag::end_stream, 1, block.substr(0, 4)) +
            encode_frame(FrameType::continuation, 0, 1, block.substr(4, 5)) +
            encode_frame(FrameType::continuation, flag::end_headers, 1, block.substr(9)));
  ASSERT_TRUE(c.done());
  EXPECT_EQ(c.outcome().output, "rpc error: code = Unimplemented desc = ");
}

TEST(GrpcHealthCall, NonGrpcAnswersResetsAndEarlyClosesAreCritical) {
  auto outcome_of = [](const std::string& bytes, bool then_close = false) {
    auto c = call();
    c.receive(bytes);
    if (then_close) c.peer_closed();
    return c.done() ? c.outcome().output : std::string("(not done)");
  };
  // An HTTP 404 without grpc-status, as from a plain HTTP/2 server.
  EXPECT_EQ(outcome_of(encode_frame(FrameType::headers, flag::end_headers | flag::end_stream, 1, "\x8d")),
            "rpc error: code = Unimplemented desc = unexpected HTTP status code received from server: 404");
  EXPECT_EQ(outcome_of(encode_frame(FrameType::rst_stream, 0, 1, std::string("\0\0\0\x07", 4))),
            "rpc error: code = Unavailable desc = stream terminated by RST_STREAM with error code: REFUSED_STREAM");
  EXPECT_EQ(outcome_of("", true),
            "rpc error: code = Unavailable desc = connection closed before server preface received");
  EXPECT_EQ(outcome_of(server_settings() + response_headers(), true),
            "rpc error: code = Unavailable desc = error reading from server: EOF");
  EXPECT_EQ(outcome_of(response_headers() + health_message(1), true),
            "rpc error: code = Unavailable desc = error reading from server: EOF")
      << "a message without trailers is not an answer";
  EXPECT_EQ(outcome_of(encode_frame(FrameType::goaway, 0, 0, std::string("\0\0\0\0\0\0\0\0", 8))),
            "rpc error: code = Unavailable desc = the server sent GOAWAY (NO_ERROR) before handling the call");
  EXPECT_EQ(outcome_of(response_headers() + encode_frame(FrameType::data, 0, 1, std::string("\0\0\0\0\7\x08\1", 7)) +
                       trailers("0")),
            "rpc error: code = Internal desc = grpc: failed to receive the response message: message of 7 bytes is cut short");
  EXPECT_EQ(outcome_of(response_headers() + encode_frame(FrameType::data, 0, 1, length_prefixed("\x08")) + trailers("0")),
            "rpc error: code = Internal desc = grpc: failed to unmarshal the received message: truncated varint");
}

TEST(GrpcHealthCall, ProtocolViolationsEndTheCallWithAGoaway) {
  auto violation = [](const std::string& bytes) {
    auto c = call();
    const std::string replies = c.receive(bytes);
    EXPECT_TRUE(c.done());
    EXPECT_TRUE(replies.find(std::string("\0\0\x08\x07", 4)) != std::string::npos) << "no GOAWAY sent";
    return c.done() ? c.outcome().output : std::string();
  };
  const std::string prefix = "rpc error: code = Internal desc = HTTP/2 protocol error from server: ";
  EXPECT_EQ(violation(std::string("\0\x40\x01\0\0\0\0\0\1", 9)),
            prefix + "frame of 16385 bytes exceeds the maximum frame size 16384");
  EXPECT_EQ(violation(encode_frame(FrameType::data, 0, 1, "x")), prefix + "DATA before the response HEADERS");
  EXPECT_EQ(violation(encode_frame(FrameType::headers, flag::end_headers, 1, "\x80")),
            prefix + "HPACK: index 0 is not in the table");
  EXPECT_EQ(violation(encode_frame(FrameType::ping, 0, 0, "short")), prefix + "PING payload not 8 bytes");
  EXPECT_EQ(violation(encode_frame(FrameType::headers, 0, 1, "\x88") + server_settings()),
            prefix + "expected CONTINUATION of the header block, got frame type 4");
  EXPECT_EQ(violation(encode_frame(FrameType::push_promise, flag::end_headers, 1, std::string("\0\0\0\2", 4))),
            prefix + "PUSH_PROMISE although the client disabled push");
  EXPECT_EQ(violation(response_headers() + encode_frame(FrameType::data, 0, 1, std::string(16384, 'x')) +
                      encode_frame(FrameType::data, 0, 1, std::string(16384, 'x')) +
                      encode_frame(FrameType::data, 0, 1, std::string(16384, 'x')) +
                      encode_frame(FrameType::data, 0, 1, std::string(16384, 'x'))),
            prefix + "more DATA than the flow-control window allows");
}

TEST(GrpcHealthMessages, RequestAndResponseEncoding) {
  EXPECT_EQ(encode_health_request(""), "");
  EXPECT_EQ(encode_health_request("web"), "\x0a\x03web");
  std::string error;
  auto status_of = [&](const std::string& bytes) -> std::int64_t {
    const auto response = decode_health_response(bytes, error);
    return response ? response->status : -100;  // -100: refused
  };
  EXPECT_EQ(status_of(""), 0);
  EXPECT_EQ(status_of("\x08\x01"), 1);
  // Unknown fields of every wire type are skipped; the last status wins.
  EXPECT_EQ(status_of(std::string("\x08\x02\x10\x05\x1a\x02hi\x25\0\0\0\0\x29\0\0\0\0\0\0\0\0\x08\x01", 24)), 1) << error;
  EXPECT_EQ(status_of("\x08\xfe\xff\xff\xff\x0f"), -2) << "an enum is a sign-extended int32";
  EXPECT_FALSE(decode_health_response("\x1a\x05hi", error));
  EXPECT_EQ(error, "length-delimited field runs past the message");
  EXPECT_FALSE(decode_health_response("\x0a\x00", error)) << "status with the wrong wire type";
  EXPECT_FALSE(decode_health_response(std::string(11, '\xff'), error));
  EXPECT_FALSE(decode_health_response("\x0b", error));
  EXPECT_EQ(error, "wire type 3 is not supported");

  EXPECT_EQ(single_message(std::string("\1\0\0\0\0", 5), error), std::nullopt);
  EXPECT_EQ(error, "compressed flag set with identity or empty encoding");
  EXPECT_EQ(single_message(length_prefixed("ab") + length_prefixed(""), error), std::nullopt);
  EXPECT_EQ(error, "more than one response message");
  EXPECT_EQ(single_message(length_prefixed("ab"), error), "ab");
}

TEST(GrpcHealthMessages, NamesAndMessageDecoding) {
  EXPECT_EQ(status_code_name(0), "OK");
  EXPECT_EQ(status_code_name(5), "NotFound");
  EXPECT_EQ(status_code_name(16), "Unauthenticated");
  EXPECT_EQ(status_code_name(17), "Code(17)");
  EXPECT_EQ(serving_status_name(1), "SERVING");
  EXPECT_EQ(serving_status_name(-1), "-1");
  EXPECT_EQ(decode_grpc_message("a%20b%zz%4"), "a b%zz%4");
}

}  // namespace
}  // namespace fakes::consul::grpc
