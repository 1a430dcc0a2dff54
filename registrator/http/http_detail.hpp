#pragma once
// Pieces shared by the one-shot client (http_client.cpp) and the keep-alive client
// (keep_alive_client.cpp). Private to registrator_core.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "registrator/http/http_client.hpp"

namespace registrator::http::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using unix_proto = net::local::stream_protocol;

constexpr std::size_t kMaxBody = 64 * 1024 * 1024;

inline bhttp::request<bhttp::string_body> make_request(const Endpoint& ep, const Request& r, bool keep_alive) {
  bhttp::request<bhttp::string_body> req;
  req.method_string(r.method);
  req.target(r.target);
  req.version(11);
  req.set(bhttp::field::host, ep.kind == Endpoint::Kind::Unix ? std::string("localhost") : ep.host + ":" + ep.port);
  req.set(bhttp::field::user_agent, "registrator-cpp");
  for (const auto& [k, v] : r.headers) req.set(k, v);
  if (!r.content_type.empty()) req.set(bhttp::field::content_type, r.content_type);
  req.keep_alive(keep_alive);
  req.body() = r.body;
  if (!r.body.empty() || r.method == "PUT" || r.method == "POST") req.prepare_payload();
  return req;
}

/// A response parser for `r`: bodies up to kMaxBody, none expected after HEAD.
inline void prepare_parser(bhttp::response_parser<bhttp::string_body>& parser, const Request& r) {
  parser.body_limit(kMaxBody);
  if (r.method == "HEAD") parser.skip(true);
}

inline Response take_response(bhttp::response_parser<bhttp::string_body>& parser) {
  Response out;
  out.status = parser.get().result_int();
  out.body = std::move(parser.get().body());
  return out;
}

inline std::string describe_error(const beast::error_code& ec) {
  if (ec == beast::error::timeout) return "timed out";
  if (ec == net::error::eof || ec == bhttp::error::end_of_stream) return "connection closed by peer";
  return ec.message();
}

// Connects `stream` and calls `next(ec)`.
template <class Handler>
void async_connect_to(net::io_context& ioc, beast::basic_stream<unix_proto>& stream, const Endpoint& ep,
                      Handler next) {
  (void)ioc;
  stream.async_connect(unix_proto::endpoint(ep.path), [next](beast::error_code ec) { next(ec); });
}

template <class Handler>
void async_connect_to(net::io_context& ioc, beast::basic_stream<tcp>& stream, const Endpoint& ep, Handler next) {
  tcp::resolver resolver(ioc);
  beast::error_code ec;
  auto results = resolver.resolve(ep.host, ep.port, ec);
  if (ec) {
    net::post(ioc, [next, ec] { next(ec); });
    return;
  }
  stream.async_connect(results, [next](beast::error_code e, const tcp::endpoint&) { next(e); });
}

}  // namespace registrator::http::detail
