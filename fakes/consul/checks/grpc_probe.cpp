#include "fakes/consul/checks/grpc_probe.hpp"

#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <tuple>

#include "fakes/consul/checks/check_tls.hpp"
#include "fakes/consul/checks/host_port.hpp"
#include "fakes/consul/checks/grpc/grpc_health_call.hpp"

namespace fakes::consul {

namespace net = boost::asio;
using tcp = net::ip::tcp;

std::optional<GrpcTarget> GrpcTarget::parse(const std::string& text) {
  // Consul splits at the first '/': the rest, slashes included, is the service.
  const auto slash = text.find('/');
  const std::string server = text.substr(0, slash);
  GrpcTarget t;
  if (slash != std::string::npos) t.service = text.substr(slash + 1);
  auto host_port = split_host_port(server, "");  // no default port: gRPC needs one
  if (!host_port) return std::nullopt;
  std::tie(t.host, t.port) = std::move(*host_port);
  return t;
}

namespace {

// Go's wording of a socket error: lower case ("connection refused").
std::string go_error_text(const boost::system::error_code& e) {
  std::string text = e.message();
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

class GrpcCall final : public GrpcRun, public std::enable_shared_from_this<GrpcCall> {
 public:
  GrpcCall(net::io_context& io, net::ssl::context& tls_context, GrpcProbeSettings settings, Done done)
      : settings_(std::move(settings)),
        done_(std::move(done)),
        socket_(io),
        timer_(io),
        call_(settings_.check_target, authority(settings_), settings_.target.service, settings_.use_tls) {
    if (settings_.use_tls) tls_.emplace(socket_, tls_context);
  }

  void start() {
    auto self = shared_from_this();
    timer_.expires_after(settings_.timeout);
    timer_.async_wait([self](const boost::system::error_code& e) {
      if (e) return;
      // grpc-go reports the context's deadline, whatever step the call was in.
      self->finish(HealthStatus::critical, grpc::rpc_error("DeadlineExceeded", "context deadline exceeded"));
    });
    socket_.async_connect(settings_.endpoint, [self](const boost::system::error_code& e) {
      if (self->finished_) return;
      if (e)
        return self->finish(HealthStatus::critical,
                            grpc::rpc_error("Unavailable", "connection error: desc = \"transport: Error while dialing: dial tcp " +
                                                               self->host_port() + ": connect: " + go_error_text(e) + "\""));
      if (self->tls_) return self->handshake();
      self->begin_call();
    });
  }

  void cancel() override {
    done_ = nullptr;
    finish(HealthStatus::critical, {});
  }

 private:
  static std::string authority(const GrpcProbeSettings& s) {
    const bool v6 = s.target.host.find(':') != std::string::npos;
    return (v6 ? "[" + s.target.host + "]" : s.target.host) + ":" + s.target.port;
  }
  std::string host_port() const { return authority(settings_); }

  void handshake() {
    SSL* ssl = tls_->native_handle();
    prepare_check_connection(ssl, settings_.target.host, settings_.tls_server_name, settings_.tls_skip_verify);
    static constexpr unsigned char kAlpnH2[] = {2, 'h', '2'};
    SSL_set_alpn_protos(ssl, kAlpnH2, sizeof kAlpnH2);
    auto self = shared_from_this();
    tls_->async_handshake(net::ssl::stream_base::client, [self](const boost::system::error_code& e) {
      if (self->finished_) return;
      if (e)
        return self->finish(
            HealthStatus::critical,
            grpc::rpc_error("Unavailable", "connection error: desc = \"transport: authentication handshake failed: " +
                                               describe_handshake_error(self->tls_->native_handle(), e) + "\""));
      self->begin_call();
    });
  }

  void begin_call() {
    send(call_.opening());
    read();
  }

  // Writes go out one at a time, in order; what arrives meanwhile waits in outbox_.
  void send(std::string bytes) {
    if (bytes.empty()) return;
    outbox_ += bytes;
    if (writing_) return;
    write_next();
  }
  void write_next() {
    if (outbox_.empty() || finished_) return;
    writing_ = true;
    auto buffer = std::make_shared<std::string>(std::move(outbox_));
    outbox_.clear();
    auto self = shared_from_this();
    auto handler = [self, buffer](const boost::system::error_code& e, std::size_t) {
      self->writing_ = false;
      if (self->finished_) return;
      if (e)
        return self->finish(HealthStatus::critical,
                            grpc::rpc_error("Unavailable", "connection error: desc = \"transport: " + go_error_text(e) + "\""));
      self->write_next();
    };
    if (tls_) net::async_write(*tls_, net::buffer(*buffer), handler);
    else net::async_write(socket_, net::buffer(*buffer), handler);
  }

  void read() {
    auto self = shared_from_this();
    auto handler = [self](const boost::system::error_code& e, std::size_t n) {
      if (self->finished_) return;
      if (n > 0) self->send(self->call_.receive(std::string_view(self->inbox_.data(), n)));
      if (self->call_.done()) return self->complete();
      if (e == net::error::eof || e == net::ssl::error::stream_truncated) {
        self->call_.peer_closed();
        return self->complete();
      }
      if (e)
        return self->finish(HealthStatus::critical,
                            grpc::rpc_error("Unavailable", "error reading from server: " + go_error_text(e)));
      self->read();
    };
    if (tls_) tls_->async_read_some(net::buffer(inbox_), handler);
    else socket_.async_read_some(net::buffer(inbox_), handler);
  }

  void complete() { finish(call_.outcome().status, call_.outcome().output); }

  void finish(HealthStatus status, const std::string& output) {
    if (finished_) return;
    finished_ = true;
    timer_.cancel();
    boost::system::error_code ignored;
    // No close_notify or GOAWAY exchange: the call is over, and waiting for the peer would
    // hold the connection past the check's Timeout.
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    if (auto done = std::move(done_)) done(status, output);
  }

  GrpcProbeSettings settings_;
  Done done_;
  tcp::socket socket_;
  std::optional<net::ssl::stream<tcp::socket&>> tls_;
  net::steady_timer timer_;
  grpc::HealthCall call_;
  std::array<char, 16384> inbox_{};
  std::string outbox_;
  bool writing_ = false;
  bool finished_ = false;
};

}  // namespace

std::shared_ptr<GrpcRun> run_grpc_check(net::io_context& io, net::ssl::context& tls, GrpcProbeSettings settings,
                                        GrpcRun::Done done) {
  auto call = std::make_shared<GrpcCall>(io, tls, std::move(settings), std::move(done));
  call->start();
  return call;
}

}  // namespace fakes::consul
