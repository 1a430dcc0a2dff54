#include "fakes/common/http/client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cctype>

namespace fakes::http {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

std::optional<Endpoint> Endpoint::parse(std::string_view uri) {
  auto take_prefix = [&](std::string_view prefix) {
    if (uri.substr(0, prefix.size()) != prefix) return false;
    uri.remove_prefix(prefix.size());
    return true;
  };
  if (take_prefix("unix://")) {
    if (uri.empty()) return std::nullopt;
    return unix_path(std::string(uri));
  }
  if (!take_prefix("tcp://") && !take_prefix("http://")) return std::nullopt;
  if (auto slash = uri.find('/'); slash != std::string_view::npos) uri = uri.substr(0, slash);
  auto colon = uri.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string host(uri.substr(0, colon));
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned long port = 0;
  for (char c : uri.substr(colon + 1)) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    port = port * 10 + static_cast<unsigned long>(c - '0');
    if (port > 65535) return std::nullopt;
  }
  return tcp(std::move(host), static_cast<std::uint16_t>(port));
}

std::string Endpoint::to_string() const {
  return kind == Kind::unix_socket ? "unix://" + path : "tcp://" + host + ":" + std::to_string(port);
}

namespace {

template <class Stream>
ClientResponse exchange(Stream& stream, net::io_context& io, const Endpoint& endpoint, bhttp::verb method,
                        const std::string& target, const std::string& body, const HeaderList& headers,
                        std::chrono::milliseconds timeout) {
  bhttp::request<bhttp::string_body> req{method, target, 11};
  req.set(bhttp::field::host, endpoint.kind == Endpoint::Kind::tcp ? endpoint.host : "localhost");
  req.set(bhttp::field::user_agent, "regsim");
  for (const auto& [name, value] : headers) req.set(name, value);
  if (!body.empty() || method == bhttp::verb::put || method == bhttp::verb::post) {
    req.body() = body;
    if (req.find(bhttp::field::content_type) == req.end()) req.set(bhttp::field::content_type, "application/json");
  }
  req.keep_alive(false);
  req.prepare_payload();

  beast::error_code result;
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(256 * 1024 * 1024);
  stream.expires_after(timeout);
  bhttp::async_write(stream, req, [&](beast::error_code ec, std::size_t) {
    if (ec) {
      result = ec;
      return;
    }
    if (method == bhttp::verb::head) parser.skip(true);
    bhttp::async_read(stream, buffer, parser, [&](beast::error_code ec2, std::size_t) { result = ec2; });
  });
  io.run();
  if (result)
    throw ClientError(endpoint.to_string() + " " + std::string(bhttp::to_string(method)) + " " + target + ": " +
                      result.message());
  ClientResponse out;
  auto& res = parser.get();
  out.status = res.result_int();
  out.body = std::move(res.body());
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out.headers[name] = std::string(field.value());
  }
  return out;
}

}  // namespace

ClientResponse fetch(const Endpoint& endpoint, bhttp::verb method, const std::string& target, const std::string& body,
                     const HeaderList& headers, std::chrono::milliseconds timeout) {
  net::io_context io;
  beast::error_code ec;
  if (endpoint.kind == Endpoint::Kind::unix_socket) {
    beast::basic_stream<net::local::stream_protocol> stream(io);
    stream.socket().connect(net::local::stream_protocol::endpoint(endpoint.path), ec);
    if (ec) throw ClientError(endpoint.to_string() + ": connect: " + ec.message());
    return exchange(stream, io, endpoint, method, target, body, headers, timeout);
  }
  beast::tcp_stream stream(io);
  auto address = net::ip::make_address(endpoint.host == "localhost" ? "127.0.0.1" : endpoint.host, ec);
  if (ec) throw ClientError(endpoint.to_string() + ": not an IP address: " + endpoint.host);
  stream.socket().connect({address, endpoint.port}, ec);
  if (ec) throw ClientError(endpoint.to_string() + ": connect: " + ec.message());
  return exchange(stream, io, endpoint, method, target, body, headers, timeout);
}

}  // namespace fakes::http
