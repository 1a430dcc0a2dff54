#pragma once
// The grpc.health.v1 messages and gRPC's message framing, by hand: HealthCheckRequest
// {string service = 1}, HealthCheckResponse {ServingStatus status = 1}, each sent as a
// length-prefixed message (1 byte compressed flag, 4 bytes big-endian length). Plus the names
// grpc-go prints for status codes and serving statuses, which Consul's check output carries.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fakes::consul::grpc {

/// HealthCheckRequest{service}; the empty service is the empty message (proto3 default).
std::string encode_health_request(std::string_view service);

struct HealthResponse {
  std::int64_t status = 0;  // ServingStatus; 0 (UNKNOWN) when the field is absent
};

/// Decodes HealthCheckResponse, skipping unknown fields. nullopt (with `error`) when a varint,
/// length or wire type does not fit the bytes.
std::optional<HealthResponse> decode_health_response(std::string_view bytes, std::string& error);

/// The five-byte prefix and the message, as gRPC sends one message on a stream.
std::string length_prefixed(std::string_view message);

/// Exactly one uncompressed length-prefixed message in `body`; nullopt (with `error`) when
/// the body is not one, as grpc-go's unary client requires.
std::optional<std::string_view> single_message(std::string_view body, std::string& error);

/// grpc-go's codes.Code String(): "NotFound", "Unavailable", ..., "Code(42)" for others.
std::string status_code_name(std::int64_t code);

/// The Go protobuf enum name of a ServingStatus: "SERVING", "NOT_SERVING", ..., the number
/// for values the enum does not have.
std::string serving_status_name(std::int64_t status);

/// grpc-message is percent-encoded (gRPC's HTTP/2 protocol spec); invalid escapes are kept.
std::string decode_grpc_message(std::string_view text);

}  // namespace fakes::consul::grpc
