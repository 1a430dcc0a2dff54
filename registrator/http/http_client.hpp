#pragma once
// Minimal blocking HTTP/1.1 client over a unix socket or TCP, shared by the Docker and Consul
// clients. Each call runs its own io_context, so calls are independent and thread-safe.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
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

/// A loaded TLS client configuration, shared by every request to one endpoint.
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

/// Sends one request (Connection: close) and reads the whole response; over TLS when
/// endpoint.tls is set.
/// Throws TransportError on connect/IO/parse failure or when `timeout` elapses.
Response send(const Endpoint& endpoint, const Request& request, std::chrono::milliseconds timeout);

/// A long-lived streaming GET (e.g. Docker /events). run() blocks until the peer ends the
/// response, an error occurs, or cancel() is called from any thread.
class Stream {
 public:
  struct Callbacks {
    std::function<void()> on_open;                     ///< 2xx headers received
    std::function<void(std::string_view)> on_data;     ///< body bytes, as they arrive
  };
  Stream();
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  /// Returns why the stream ended: "end of stream", "cancelled", "<peer>: connect: ...",
  /// "<peer>: HTTP 500: <body>", ...
  std::string run(const Endpoint& endpoint, const Request& request, const Callbacks& callbacks,
                  std::chrono::milliseconds connect_timeout);
  /// Thread-safe; makes the current and every later run() return "cancelled" until reset().
  void cancel();
  void reset();

  struct State;

 private:
  std::shared_ptr<State> state_;
};

/// Percent-encodes one path segment (keeps unreserved and "$&+,:;=@"; encodes '/').
std::string escape_path_segment(std::string_view s);
/// Percent-encodes a query component value.
std::string escape_query(std::string_view s);

}  // namespace registrator::http
