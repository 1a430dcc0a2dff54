#pragma once
// One run of a gRPC check, as Consul's CheckGRPC does it: a new connection to host:port
// (HTTP/2 with prior knowledge, or TLS with ALPN "h2" when GRPCUseTLS), one
// grpc.health.v1.Health/Check call, SERVING passing and anything else critical. Timeout
// bounds the whole run (connect, handshake, call). Asynchronous on the io thread.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "fakes/consul/state/health_status.hpp"

namespace fakes::consul {

/// "127.0.0.1:50051/my.Service" as a gRPC check names its target.
struct GrpcTarget {
  std::string host;     // without brackets
  std::string port;
  std::string service;  // "" = the server as a whole
  /// host:port[/service], [v6]:port[/service]; nullopt when there is no host or port.
  static std::optional<GrpcTarget> parse(const std::string& text);
};

struct GrpcProbeSettings {
  std::string check_target;  // the check's GRPC field, for the output
  GrpcTarget target;
  boost::asio::ip::tcp::endpoint endpoint;
  bool use_tls = false;  // GRPCUseTLS
  std::string tls_server_name;
  bool tls_skip_verify = false;
  std::chrono::milliseconds timeout{10'000};
};

class GrpcRun {
 public:
  using Done = std::function<void(HealthStatus, std::string output)>;
  virtual ~GrpcRun() = default;
  /// Closes the connection (if still open) and drops the callback.
  virtual void cancel() = 0;
};

/// Starts the call now; `done` is called once on the io thread (never after cancel()).
/// `tls` is the HTTPS checks' client context (check_tls.hpp), used when settings.use_tls.
std::shared_ptr<GrpcRun> run_grpc_check(boost::asio::io_context& io, boost::asio::ssl::context& tls,
                                        GrpcProbeSettings settings, GrpcRun::Done done);

}  // namespace fakes::consul
