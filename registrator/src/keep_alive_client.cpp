#include "registrator/keep_alive_client.hpp"

#include <variant>

#include "http_detail.hpp"

namespace registrator::http {

using namespace detail;

namespace {

// Why one exchange failed, and whether the request can be repeated on a fresh connection.
struct Failure {
  std::string what;
  bool before_answer = false;  // nothing of the response had arrived
};

template <class Protocol>
class Link {
 public:
  explicit Link(net::io_context& ioc) : stream_(ioc) {}

  // One exchange on this link; connects first when it is not open yet.
  std::variant<Response, Failure> exchange(net::io_context& ioc, const Endpoint& ep, const Request& r,
                                           std::chrono::milliseconds timeout) {
    auto req = make_request(ep, r, true);
    bhttp::response_parser<bhttp::string_body> parser;
    prepare_parser(parser, r);
    beast::error_code result;
    const char* stage = "write";
    bool got_bytes = false;

    auto write_then_read = [&] {
      bhttp::async_write(stream_, req, [&](beast::error_code ec, std::size_t) {
        if (ec) {
          result = ec;
          return;
        }
        stage = "read";
        bhttp::async_read(stream_, buffer_, parser, [&](beast::error_code ec2, std::size_t n) {
          got_bytes = n > 0 || parser.got_some();
          result = ec2;
        });
      });
    };
    stream_.expires_after(timeout);
    if (!open_) {
      stage = "connect";
      async_connect_to(ioc, stream_, ep, [&](beast::error_code ec) {
        if (ec) {
          result = ec;
          return;
        }
        open_ = true;
        stage = "write";
        write_then_read();
      });
    } else {
      write_then_read();
    }
    ioc.restart();
    ioc.run();
    if (result) {
      close();
      return Failure{ep.describe() + ": " + stage + ": " + describe_error(result),
                     // A stale idle connection fails at once (reset, EOF); a timeout means the
                     // peer is slow, and repeating would only double the wait, silently.
                     std::string_view(stage) != "connect" && !got_bytes && result != beast::error::timeout};
    }
    stream_.expires_never();
    if (!parser.keep_alive()) close();
    return take_response(parser);
  }

  bool is_open() const { return open_; }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(Protocol::socket::shutdown_both, ignored);
    stream_.close();
    buffer_.clear();
    open_ = false;
  }

 private:
  beast::basic_stream<Protocol> stream_;
  beast::flat_buffer buffer_;
  bool open_ = false;
};

}  // namespace

struct KeepAliveClient::Connection {
  using AnyLink = std::variant<Link<unix_proto>, Link<tcp>>;
  explicit Connection(Endpoint::Kind kind)
      : link(kind == Endpoint::Kind::Unix ? AnyLink(std::in_place_type<Link<unix_proto>>, ioc)
                                          : AnyLink(std::in_place_type<Link<tcp>>, ioc)) {}
  net::io_context ioc;  // declared before link: the link's socket lives on it
  AnyLink link;
};

KeepAliveClient::KeepAliveClient(Endpoint endpoint) : endpoint_(std::move(endpoint)) {}
KeepAliveClient::~KeepAliveClient() = default;

Response KeepAliveClient::send(const Request& request, std::chrono::milliseconds timeout) {
  if (endpoint_.tls) return http::send(endpoint_, request, timeout);
  std::lock_guard lock(mu_);
  if (!connection_) connection_ = std::make_unique<Connection>(endpoint_.kind);
  auto attempt = [&]() -> std::pair<std::variant<Response, Failure>, bool> {
    return std::visit(
        [&](auto& link) -> std::pair<std::variant<Response, Failure>, bool> {
          const bool reused = link.is_open();
          return {link.exchange(connection_->ioc, endpoint_, request, timeout), reused};
        },
        connection_->link);
  };
  auto [outcome, reused] = attempt();
  if (auto* failure = std::get_if<Failure>(&outcome); failure && reused && failure->before_answer) {
    // The peer closed the idle connection (keep-alive timeout, restart): not an answer.
    outcome = attempt().first;
  }
  if (auto* failure = std::get_if<Failure>(&outcome)) throw TransportError(failure->what);
  return std::get<Response>(std::move(outcome));
}

}  // namespace registrator::http
