#include "registrator/http/http_client.hpp"

#include <array>
#include <cstdint>
#include <limits>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "registrator/http/http_detail.hpp"
#include "registrator/http/tls_context.hpp"

namespace registrator::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using unix_proto = net::local::stream_protocol;

std::string Endpoint::describe() const {
  if (kind == Kind::Unix) return "unix://" + path;
  return (tls ? "https://" : "") + host + ":" + port;
}
Endpoint Endpoint::unix_socket(std::string path) {
  Endpoint e;
  e.kind = Kind::Unix;
  e.path = std::move(path);
  return e;
}
Endpoint Endpoint::tcp(std::string host, std::string port) {
  Endpoint e;
  e.kind = Kind::Tcp;
  e.host = std::move(host);
  e.port = std::move(port);
  return e;
}
Endpoint Endpoint::tcp_tls(std::string host, std::string port, std::shared_ptr<TlsContext> tls) {
  Endpoint e = tcp(std::move(host), std::move(port));
  e.tls = std::move(tls);
  return e;
}

namespace {

using namespace detail;

// One Connection: close exchange on `stream` (plain, or TLS over its lowest layer): connect,
// optionally a TLS handshake, write, read the whole response.
template <class Stream>
Response exchange_once(net::io_context& ioc, Stream& stream, const Endpoint& ep, const Request& r,
                       std::chrono::milliseconds timeout) {
  using Lowest = beast::lowest_layer_type<Stream>;
  constexpr bool kTls = !std::is_same_v<Stream, Lowest>;
  beast::flat_buffer buffer;
  auto req = make_request(ep, r, false);
  bhttp::response_parser<bhttp::string_body> parser;
  prepare_parser(parser, r);
  beast::error_code result;
  const char* stage = "connect";

  auto write_then_read = [&] {
    stage = "write";
    bhttp::async_write(stream, req, [&](beast::error_code ec, std::size_t) {
      if (ec) {
        result = ec;
        return;
      }
      stage = "read";
      bhttp::async_read(stream, buffer, parser, [&](beast::error_code ec2, std::size_t) { result = ec2; });
    });
  };
  auto& lowest = beast::get_lowest_layer(stream);
  lowest.expires_after(timeout);
  async_connect_to(ioc, lowest, ep, [&](beast::error_code ec) {
    if (ec) {
      result = ec;
      return;
    }
    if constexpr (kTls) {
      stage = "tls handshake";
      stream.async_handshake(net::ssl::stream_base::client, [&](beast::error_code ec1) {
        if (ec1) {
          result = ec1;
          return;
        }
        write_then_read();
      });
    } else {
      write_then_read();
    }
  });
  ioc.run();
  beast::error_code ignored;
  lowest.socket().shutdown(Lowest::protocol_type::socket::shutdown_both, ignored);
  // A TLS server that closes without close_notify after a complete response is not an error.
  if constexpr (kTls) {
    if (result == net::ssl::error::stream_truncated && parser.is_done()) result = {};
  }
  if (result) throw TransportError(ep.describe() + ": " + stage + ": " + describe_error(result));
  return take_response(parser);
}

template <class Protocol>
Response send_impl(const Endpoint& ep, const Request& r, std::chrono::milliseconds timeout) {
  net::io_context ioc;
  beast::basic_stream<Protocol> stream(ioc);
  return exchange_once(ioc, stream, ep, r, timeout);
}

// Over TLS: SNI and the certificate check against ep.host, as Go's crypto/tls with ServerName = host.
Response send_tls(const Endpoint& ep, const Request& r, std::chrono::milliseconds timeout) {
  net::io_context ioc;
  beast::ssl_stream<beast::basic_stream<tcp>> stream(ioc, ep.tls->native());
  beast::error_code addr_ec;
  net::ip::make_address(ep.host, addr_ec);
  if (addr_ec) SSL_set_tlsext_host_name(stream.native_handle(), ep.host.c_str());  // no SNI for IPs (RFC 6066)
  stream.set_verify_callback(net::ssl::host_name_verification(ep.host));
  return exchange_once(ioc, stream, ep, r, timeout);
}

}  // namespace

Response send(const Endpoint& endpoint, const Request& request, std::chrono::milliseconds timeout) {
  if (endpoint.kind == Endpoint::Kind::Unix) return send_impl<unix_proto>(endpoint, request, timeout);
  if (endpoint.tls) return send_tls(endpoint, request, timeout);
  return send_impl<tcp>(endpoint, request, timeout);
}

// ---------------------------------------------------------------------------------------------
// Stream

struct Stream::State {
  std::mutex mu;
  bool cancelled = false;
  net::io_context* ioc = nullptr;  // the running io_context, if any
};

Stream::Stream() : state_(std::make_shared<State>()) {}
Stream::~Stream() { cancel(); }

void Stream::cancel() {
  std::lock_guard lock(state_->mu);
  state_->cancelled = true;
  if (state_->ioc) state_->ioc->stop();
}

void Stream::reset() {
  std::lock_guard lock(state_->mu);
  state_->cancelled = false;
}

namespace {

template <class Protocol>
std::string stream_impl(Stream::State& state, const Endpoint& ep, const Request& r, const Stream::Callbacks& cb,
                        std::chrono::milliseconds connect_timeout) {
  net::io_context ioc;
  {
    std::lock_guard lock(state.mu);
    if (state.cancelled) return "cancelled";
    state.ioc = &ioc;
  }
  struct Unregister {
    Stream::State& s;
    ~Unregister() {
      std::lock_guard lock(s.mu);
      s.ioc = nullptr;
    }
  } unregister{state};

  beast::basic_stream<Protocol> stream(ioc);
  beast::flat_buffer buffer;
  auto req = make_request(ep, r, true);
  bhttp::response_parser<bhttp::buffer_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  std::array<char, 8192> chunk{};
  std::string error_body;  // non-2xx body (bounded)
  std::string outcome;
  bool ok_status = false;

  std::function<void()> read_body;
  read_body = [&] {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    bhttp::async_read_some(stream, buffer, parser, [&](beast::error_code ec, std::size_t) {
      std::size_t n = chunk.size() - parser.get().body().size;
      if (n > 0) {
        if (ok_status) {
          if (cb.on_data) cb.on_data(std::string_view(chunk.data(), n));
        } else if (error_body.size() < 4096) {
          error_body.append(chunk.data(), std::min(n, 4096 - error_body.size()));
        }
      }
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec) {
        outcome = ep.describe() + ": read: " + describe_error(ec);
        return;
      }
      if (parser.is_done()) {
        outcome = ok_status ? "end of stream"
                            : ep.describe() + ": HTTP " + std::to_string(parser.get().result_int()) + ": " + error_body;
        return;
      }
      read_body();
    });
  };

  stream.expires_after(connect_timeout);
  async_connect_to(ioc, stream, ep, [&](beast::error_code ec) {
    if (ec) {
      outcome = ep.describe() + ": connect: " + describe_error(ec);
      return;
    }
    bhttp::async_write(stream, req, [&](beast::error_code ec2, std::size_t) {
      if (ec2) {
        outcome = ep.describe() + ": write: " + describe_error(ec2);
        return;
      }
      bhttp::async_read_header(stream, buffer, parser, [&](beast::error_code ec3, std::size_t) {
        if (ec3) {
          outcome = ep.describe() + ": read: " + describe_error(ec3);
          return;
        }
        stream.expires_never();
        unsigned status = parser.get().result_int();
        ok_status = status >= 200 && status < 300;
        if (ok_status && cb.on_open) cb.on_open();
        if (parser.is_done()) {
          outcome = ok_status ? "end of stream" : ep.describe() + ": HTTP " + std::to_string(status);
          return;
        }
        read_body();
      });
    });
  });
  ioc.run();
  {
    std::lock_guard lock(state.mu);
    if (state.cancelled) return "cancelled";
  }
  return outcome.empty() ? "end of stream" : outcome;
}

}  // namespace

std::string Stream::run(const Endpoint& endpoint, const Request& request, const Callbacks& callbacks,
                        std::chrono::milliseconds connect_timeout) {
  if (endpoint.kind == Endpoint::Kind::Unix) {
    return stream_impl<unix_proto>(*state_, endpoint, request, callbacks, connect_timeout);
  }
  return stream_impl<tcp>(*state_, endpoint, request, callbacks, connect_timeout);
}

// ---------------------------------------------------------------------------------------------

namespace {
bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}
std::string escape(std::string_view s, std::string_view keep) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (unreserved(c) || keep.find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}
}  // namespace

std::string escape_path_segment(std::string_view s) { return escape(s, "$&+,:;=@"); }
std::string escape_query(std::string_view s) { return escape(s, ""); }

}  // namespace registrator::http
