// The HTTP server's listeners: TCP, TLS and unix-socket acceptors that start a Session per
// connection, and the Server object that owns them. See http_server.hpp for the threading and
// ownership rules; the pieces are in common/http/.
#include "fakes/common/http/server.hpp"

#include "fakes/common/http/server_state.hpp"
#include "fakes/common/http/session.hpp"

#include <boost/asio/ssl.hpp>

#include <unistd.h>

#include <stdexcept>
#include <string>

namespace fakes::http {
namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using unix_socket = net::local::stream_protocol;
using detail::Session;

namespace {

template <class Protocol>
void accept_loop(const std::shared_ptr<typename Protocol::acceptor>& acceptor, const std::shared_ptr<Server::Impl>& server,
                 std::string_view transport) {
  acceptor->async_accept([acceptor, weak = std::weak_ptr<Server::Impl>(server), transport](
                             beast::error_code ec, typename Protocol::socket socket) {
    auto server = weak.lock();
    if (!server || server->stopped || ec == net::error::operation_aborted) return;
    if (!ec) {
      if constexpr (std::is_same_v<Protocol, tcp>) {
        // As Go's net/http (real Consul, dockerd): answers to pipelined requests go out at once,
        // not held by Nagle until the client's delayed ACK (40 ms each).
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
      }
      auto session = std::make_shared<Session<Protocol>>(std::move(socket), server, transport);
      server->track(session);
      session->start();
    }
    // Accept errors such as EMFILE must not end the listener: keep accepting.
    accept_loop<Protocol>(acceptor, server, transport);
  });
}

void accept_tls_loop(const std::shared_ptr<tcp::acceptor>& acceptor, const std::shared_ptr<net::ssl::context>& tls,
                     const std::shared_ptr<Server::Impl>& server) {
  acceptor->async_accept([acceptor, tls, weak = std::weak_ptr<Server::Impl>(server)](beast::error_code ec,
                                                                                      tcp::socket socket) {
    auto server = weak.lock();
    if (!server || server->stopped || ec == net::error::operation_aborted) return;
    if (!ec) {
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);  // as on the plain listener
      auto session = std::make_shared<Session<tcp, true>>(std::move(socket), *tls, server, "tls");
      server->track(session);
      session->start();
    }
    accept_tls_loop(acceptor, tls, server);
  });
}

std::shared_ptr<net::ssl::context> make_server_tls_context(const TlsListenerOptions& o) {
  auto ctx = std::make_shared<net::ssl::context>(net::ssl::context::tls_server);
  ctx->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 | net::ssl::context::no_sslv3 |
                   net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1);
  auto load = [](const char* what, const std::string& file, auto&& fn) {
    beast::error_code ec;
    fn(ec);
    if (ec) throw std::runtime_error(std::string("cannot load TLS ") + what + " " + file + ": " + ec.message());
  };
  load("certificate", o.cert_file, [&](beast::error_code& ec) { ctx->use_certificate_chain_file(o.cert_file, ec); });
  load("key", o.key_file, [&](beast::error_code& ec) { ctx->use_private_key_file(o.key_file, net::ssl::context::pem, ec); });
  if (!o.ca_file.empty()) {
    load("CA", o.ca_file, [&](beast::error_code& ec) { ctx->load_verify_file(o.ca_file, ec); });
  }
  if (o.verify_incoming) {
    if (o.ca_file.empty()) throw std::runtime_error("verify-incoming needs a CA file to check client certificates");
    ctx->set_verify_mode(net::ssl::verify_peer | net::ssl::verify_fail_if_no_peer_cert);
  }
  return ctx;
}

}  // namespace

Server::Server(net::io_context& io, Handler handler, ServerOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(handler), std::move(options))) {}

Server::~Server() { stop(); }

namespace {
std::shared_ptr<tcp::acceptor> open_tcp_acceptor(net::io_context& io, const std::string& address, std::uint16_t port) {
  auto acceptor = std::make_shared<tcp::acceptor>(io);
  tcp::endpoint endpoint{net::ip::make_address(address), port};
  acceptor->open(endpoint.protocol());
  acceptor->set_option(net::socket_base::reuse_address(true));
  acceptor->bind(endpoint);
  acceptor->listen(net::socket_base::max_listen_connections);
  return acceptor;
}
}  // namespace

std::uint16_t Server::listen_tcp(const std::string& address, std::uint16_t port) {
  auto acceptor = open_tcp_acceptor(impl_->io, address, port);
  impl_->tcp_acceptors.push_back(acceptor);
  accept_loop<tcp>(acceptor, impl_, "tcp");
  return acceptor->local_endpoint().port();
}

std::uint16_t Server::listen_tls(const std::string& address, std::uint16_t port, const TlsListenerOptions& tls) {
  auto ctx = make_server_tls_context(tls);
  auto acceptor = open_tcp_acceptor(impl_->io, address, port);
  impl_->tcp_acceptors.push_back(acceptor);
  impl_->tls_contexts.push_back(ctx);
  accept_tls_loop(acceptor, ctx, impl_);
  return acceptor->local_endpoint().port();
}

void Server::listen_unix(const std::string& path) {
  ::unlink(path.c_str());  // a stale socket from an earlier run would make bind fail
  auto acceptor = std::make_shared<unix_socket::acceptor>(impl_->io);
  unix_socket::endpoint endpoint{path};
  acceptor->open(endpoint.protocol());
  acceptor->bind(endpoint);
  acceptor->listen(net::socket_base::max_listen_connections);
  impl_->unix_acceptors.emplace_back(acceptor, path);
  accept_loop<unix_socket>(acceptor, impl_, "unix");
}

void Server::close_connections() {
  auto connections = impl_->connections;  // close() may run callbacks that touch the list
  for (auto& weak : connections)
    if (auto c = weak.lock()) c->close();
  impl_->connections.clear();
}

void Server::stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  beast::error_code ec;
  for (auto& a : impl_->tcp_acceptors) a->close(ec);
  for (auto& [a, path] : impl_->unix_acceptors) {
    a->close(ec);
    ::unlink(path.c_str());
  }
  close_connections();
}

std::size_t Server::connection_count() const {
  std::size_t n = 0;
  for (auto& weak : impl_->connections)
    if (auto c = weak.lock(); c && c->open()) ++n;
  return n;
}

}  // namespace fakes::http
