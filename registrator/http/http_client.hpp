#pragma once
// registrator's one HTTP/1.1 client: Docker (unix socket or TCP), Consul (TCP, unix socket, TLS),
// etcd's JSON gateway. A Client keeps one connection to its endpoint for requests (pipelined when
// asked) and opens one more for a streaming GET (Docker /events); http::send() is the same
// client used once, for callers that talk to a peer rarely.
//
// Concurrency model (registrator's only one): blocking I/O with deadlines. Every call runs on
// the caller's thread and returns when it is done, failed, or its deadline passed: non-blocking
// sockets waited on with poll(), OpenSSL driven the same way for TLS (connection.hpp). No
// io_context, no callbacks on other threads; a stream is ended from another thread by
// Client::cancel_streams(), which wakes its poll.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace registrator::http {

/// Files for a TLS client (consul-tls://), as Consul's CONSUL_CACERT / CONSUL_CLIENT_CERT /
/// CONSUL_CLIENT_KEY name them. An empty ca_file means the system's trusted roots.
struct TlsClientSettings {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
};

/// A loaded TLS client configuration, shared by every connection to one endpoint.
class TlsContext;

/// Loads the files now, so a bad path or PEM is reported at start-up, not at the first request.
/// Throws std::invalid_argument naming the file and OpenSSL's reason.
std::shared_ptr<TlsContext> make_tls_context(const TlsClientSettings& settings);

struct Endpoint {
  enum class Kind { Unix, Tcp };
  Kind kind = Kind::Tcp;
  std::string path;  ///< unix socket path
  std::string host;  ///< tcp host
  std::string port;  ///< tcp port
  /// Set for HTTPS: the server certificate is verified against `host` (name or IP SAN).
  std::shared_ptr<TlsContext> tls;
  /// "unix:///path", "host:port" or "https://host:port", used in error messages.
  std::string describe() const;
  static Endpoint unix_socket(std::string path);
  static Endpoint tcp(std::string host, std::string port);
  static Endpoint tcp_tls(std::string host, std::string port, std::shared_ptr<TlsContext> tls);
};

/// Connection-level failure (refused, timeout, reset, malformed HTTP). what() names the peer.
class TransportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Request {
  std::string method = "GET";
  std::string target = "/";
  std::string body;
  std::string content_type;  ///< sent only when non-empty
  std::vector<std::pair<std::string, std::string>> headers;
};

struct Response {
  unsigned status = 0;
  std::string body;
};

/// One request's outcome in Client::send_pipelined().
struct PipelinedAnswer {
  std::optional<Response> response;
  std::string error;  ///< the TransportError message send() would have thrown
  bool answered() const { return response.has_value(); }
  bool failed() const { return !error.empty(); }
};

/// What a streaming GET hands on as it arrives.
struct StreamCallbacks {
  std::function<void()> on_open;                  ///< 2xx headers received
  std::function<void(std::string_view)> on_data;  ///< body bytes, as they arrive
};

class Client {
 public:
  explicit Client(Endpoint endpoint);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// Sends `request` on the kept connection (opened on first use, reopened after an error or a
  /// `Connection: close`) and reads the whole answer. A request whose reused connection turns
  /// out closed by the peer before any answer byte arrived is sent once more on a fresh
  /// connection (a timeout is not repeated). Thread-safe: requests are serialised.
  /// Throws TransportError ("<peer>: connect|tls handshake|write|read: <why>") on connect/IO/
  /// parse failure or when `timeout` elapses.
  Response send(const Request& request, std::chrono::milliseconds timeout);

  /// HTTP/1.1 pipelining: writes all `requests` at once on the kept connection, then reads the
  /// answers in order: one system call each way for many small exchanges instead of a round trip
  /// apiece. Answer i holds request i's response, or the failure send() would have thrown for it
  /// (the reused-idle-connection retry included); the requests after a failure hold neither: the
  /// caller sends those again with send(). So they must be safe to repeat (GET, PUT of the same
  /// registration): the peer may have seen them. Never throws. Keep a batch small (its bytes
  /// well within a socket buffer): the answers are read only after every request is written.
  std::vector<PipelinedAnswer> send_pipelined(const std::vector<Request>& requests, std::chrono::milliseconds timeout);

  /// A long-lived streaming GET (Docker /events) on a connection of its own, so requests go on
  /// meanwhile. Blocks until the peer ends the response, an error occurs, or cancel_streams() is
  /// called; `connect_timeout` bounds connecting, writing and the answer's head, the body may
  /// take forever. Returns why it ended: "end of stream", "cancelled", "<peer>: connect: ...",
  /// "<peer>: HTTP 500: <body>", ...
  std::string stream(const Request& request, const StreamCallbacks& callbacks,
                     std::chrono::milliseconds connect_timeout);
  /// Thread-safe; makes the current and every later stream() return "cancelled".
  void cancel_streams();

  const Endpoint& endpoint() const { return endpoint_; }

  struct Kept;
  struct Cancel;

 private:
  Endpoint endpoint_;
  std::mutex mu_;
  std::unique_ptr<Kept> kept_;
  std::unique_ptr<Cancel> cancel_;
};

/// One request on a connection of its own (`Connection: close`): Client used once, for peers
/// that are rarely asked (the consulkv and etcd backends, tests). Throws as Client::send.
Response send(const Endpoint& endpoint, const Request& request, std::chrono::milliseconds timeout);

/// Percent-encodes one path segment (keeps unreserved and "$&+,:;=@"; encodes '/').
std::string escape_path_segment(std::string_view s);
/// Percent-encodes a query component value.
std::string escape_query(std::string_view s);

}  // namespace registrator::http
