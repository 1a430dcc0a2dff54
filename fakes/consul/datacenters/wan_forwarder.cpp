#include "fakes/consul/datacenters/wan_forwarder.hpp"

#include "fakes/consul/responses/consul_response.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <memory>

namespace fakes::consul {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

// Longer than any blocking query may wait (10 min + jitter), so only a dead peer times out.
constexpr auto kForwardTimeout = std::chrono::minutes(12);
constexpr std::size_t kMaxForwardedBody = 256 * 1024 * 1024;

struct Forward : std::enable_shared_from_this<Forward> {
  Forward(net::io_context& io, fakes::http::ExchangePtr exchange, WanPeer peer)
      : stream(io), exchange(std::move(exchange)), peer(std::move(peer)) {}

  void start() {
    outgoing = exchange->request();
    outgoing.set(bhttp::field::host, peer.address + ":" + std::to_string(peer.port));
    outgoing.keep_alive(false);
    outgoing.prepare_payload();
    parser.body_limit(kMaxForwardedBody);
    std::weak_ptr<Forward> weak = shared_from_this();
    exchange->on_close([weak] {
      if (auto self = weak.lock()) self->stream.cancel();
    });
    boost::system::error_code ec;
    const net::ip::tcp::endpoint endpoint(net::ip::make_address(peer.address, ec), peer.port);
    if (ec) return fail("bad peer address");
    stream.expires_after(kForwardTimeout);
    stream.async_connect(endpoint, [self = shared_from_this()](beast::error_code ec) { self->on_connect(ec); });
  }

  void on_connect(beast::error_code ec) {
    if (ec) return fail(ec.message());
    bhttp::async_write(stream, outgoing,
                       [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
  }

  void on_write(beast::error_code ec) {
    if (ec) return fail(ec.message());
    bhttp::async_read(stream, buffer, parser,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) return fail(ec.message());
    if (!exchange->is_open()) return;
    auto upstream = parser.release();
    fakes::http::Response answer{upstream.result(), exchange->request().version()};
    for (const auto& field : upstream) {
      const auto name = field.name();
      if (name == bhttp::field::connection || name == bhttp::field::transfer_encoding ||
          name == bhttp::field::content_length || name == bhttp::field::keep_alive)
        continue;
      answer.insert(field.name_string(), field.value());
    }
    answer.body() = std::move(upstream.body());
    exchange->respond(std::move(answer));
    beast::error_code ignored;
    stream.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  }

  void fail(const std::string& why) {
    if (!exchange->is_open()) return;
    exchange->respond(text_error(fakes::http::Status::internal_server_error,
                                 "rpc error: datacenter " + peer.datacenter + " at " + peer.address + ":" +
                                     std::to_string(peer.port) + ": " + why));
  }

  beast::tcp_stream stream;
  fakes::http::ExchangePtr exchange;
  WanPeer peer;
  fakes::http::Request outgoing;
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
};

}  // namespace

void forward_to_peer(net::io_context& io, const fakes::http::ExchangePtr& exchange, const WanPeer& peer) {
  std::make_shared<Forward>(io, exchange, peer)->start();
}

}  // namespace fakes::consul
