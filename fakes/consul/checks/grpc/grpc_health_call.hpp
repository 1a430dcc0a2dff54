#pragma once
// One grpc.health.v1.Health/Check call over a fresh HTTP/2 connection, without I/O: it says
// what to send, takes what the server sent (in any cuts) and answers the acknowledgements the
// protocol asks for (SETTINGS, PING), until it has an outcome worded as Consul's CheckGRPC
// words it (grpc-go's errors). The socket side lives in grpc_probe.cpp; this is the part unit
// tests drive byte by byte.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/consul/state/health_status.hpp"
#include "fakes/consul/checks/grpc/hpack.hpp"
#include "fakes/consul/checks/grpc/http2_frames.hpp"

namespace fakes::consul::grpc {

struct CallOutcome {
  HealthStatus status = HealthStatus::critical;
  std::string output;
};

/// grpc-go's status error text: "rpc error: code = <Code> desc = <desc>".
std::string rpc_error(std::string_view code_name, std::string_view desc);

class HealthCall {
 public:
  /// `check_target` is the check's GRPC field as registered (for the output), `authority` the
  /// host:port for :authority, `service` the HealthCheckRequest's service ("" = the server).
  HealthCall(std::string check_target, std::string authority, std::string service, bool tls);

  /// The connection preface, SETTINGS, and the request (HEADERS and DATA on stream 1).
  std::string opening() const;
  /// Feeds bytes read from the server; returns bytes to send back (acknowledgements, or a
  /// GOAWAY after a protocol error). Once done(), further bytes are ignored.
  std::string receive(std::string_view bytes);
  /// The server closed the connection: an unfinished call is critical.
  void peer_closed();

  bool done() const { return outcome_.has_value(); }
  const CallOutcome& outcome() const { return *outcome_; }

  static constexpr std::uint32_t kMaxResponseBytes = 65535;  // the initial window; never widened

 private:
  void handle(const http2::Frame& frame, std::string& replies);
  void header_block_complete(std::string& replies);
  void stream_complete();
  void protocol_error(const std::string& what, std::uint32_t code, std::string& replies);
  void fail(std::string output) { outcome_ = CallOutcome{HealthStatus::critical, std::move(output)}; }
  const std::string* header(const std::vector<hpack::HeaderField>& fields, std::string_view name) const;

  std::string target_, authority_, service_;
  bool tls_;
  http2::FrameReader reader_;
  hpack::Decoder decoder_;
  // A header block being collected across CONTINUATION frames.
  bool in_block_ = false;
  bool block_ends_stream_ = false;
  std::string block_;
  bool saw_frame_ = false;  // anything from the server yet
  bool got_headers_ = false;
  std::vector<hpack::HeaderField> headers_, trailers_;
  std::string data_;
  std::optional<CallOutcome> outcome_;
};

}  // namespace fakes::consul::grpc
