#pragma once
// A small HTTP/1.1 server for the fakes: TCP, TLS and unix-socket listeners, keep-alive, body
// limits, and exchanges that may be answered later or streamed (Docker's /events, /wait;
// Consul's blocking queries).
//
// Threads and ownership (the pieces are in common/http/):
// - One io thread. Everything here runs on the io_context the Server is given, and that
//   io_context runs on ONE thread: sessions use no strands and take no locks. Another thread
//   that wants to answer, stream or close posts onto the io_context. SendBatch's helper threads
//   only call send() on file descriptors; connection state stays on the io thread.
// - Server owns the listeners. A Session (one connection) owns its socket, its read buffer and
//   its queue of unsent bytes; it is kept alive by its own pending operations, and the Server
//   only holds it weakly.
// - An Exchange owns its request. The handler, and whoever it passes the ExchangePtr to, own
//   the exchange; the session holds it weakly. An exchange whose owners all let go unanswered
//   sends a 500 (or ends its stream). The last owner may let go on any thread: the exchange is
//   then destroyed on the io thread, never under a call the io thread is making on it.
// - Every Exchange call (respond, begin_stream, send_chunk, end_stream, abort) is on the io
//   thread, and works or does nothing whatever the connection's state: after the client has
//   gone, they are no-ops and is_open() is false.
// - Close callbacks (on_close) run on the io thread in a turn of the loop of their own: never
//   inside the Exchange or Server call that found the connection gone (a write that fails in
//   send_chunk, close_connections, stop). So an owner may write to every exchange in a
//   collection while a callback erases from it. A callback that captures its owner must check
//   that the owner is still alive (a weak token): it may run after Server::stop(). Callbacks
//   registered after the connection closed never run; check is_open() after registering.

#include <boost/asio/io_context.hpp>
#include <boost/beast/http.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace fakes::http {

namespace bhttp = boost::beast::http;
using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;
using Status = bhttp::status;

/// One request in flight. The handler receives it and answers now or later: exactly one of
/// respond() or begin_stream()/end_stream() per exchange. All calls on the server's executor.
class Exchange {
 public:
  virtual ~Exchange() = default;
  virtual const Request& request() const = 0;
  /// Sends a complete response (Content-Length is set here; keep-alive follows the request).
  virtual void respond(Response response) = 0;
  /// Sends bytes made by wire_response() and shared with other exchanges (one blocking-query
  /// answer for thousands of watchers), when the request is HTTP/1.1 keep-alive and not HEAD;
  /// otherwise sends nothing and returns false, and the caller uses respond().
  virtual bool respond_wire(const std::shared_ptr<const std::string>& wire, unsigned status) {
    (void)wire;
    (void)status;
    return false;
  }
  /// Sends the header of a chunked response; the body follows as send_chunk() calls.
  virtual void begin_stream(Response header) = 0;
  virtual void send_chunk(std::string_view data) = 0;
  /// Ends a chunked response. The connection stays usable when the client asked for keep-alive.
  /// After begin_raw(): closes the connection once everything is written.
  virtual void end_stream() = 0;
  /// Takes the connection over, as dockerd hijacks it for exec and attach: `head` (a status line
  /// and fields, ending in an empty line) goes out as it is, later send_chunk() bytes go out
  /// unframed, and end_stream() closes the connection. What the client sends meanwhile (stdin,
  /// or the end of its half of the connection) is read and dropped.
  virtual void begin_raw(std::string head) {
    (void)head;
    abort();
  }
  /// How many bytes sent on this connection its peer has not read yet, where the kernel can tell
  /// (unix sockets: queued here plus SIOCOUTQ); nullopt elsewhere (TCP, TLS) or when closed.
  /// A hijacked stream waits for its head to be read before its body: docker-py reads the head
  /// through a buffer and the body from the socket, and loses body bytes that came with the head.
  virtual std::optional<std::size_t> unread_by_peer() const { return std::nullopt; }
  /// False once the client has gone away or the server dropped the connection.
  virtual bool is_open() const = 0;
  /// Called once when the connection closes before the exchange finished (client gone, fault).
  virtual void on_close(std::function<void()> callback) = 0;
  /// Drops the connection without finishing the response (fault injection).
  virtual void abort() = 0;
  /// "tcp", "tls" or "unix": which listener accepted the connection.
  virtual std::string_view transport() const = 0;
};
using ExchangePtr = std::shared_ptr<Exchange>;
using Handler = std::function<void(const ExchangePtr&)>;

struct ServerOptions {
  std::size_t body_limit = 1 << 20;        // larger bodies get 413
  std::size_t header_limit = 64 * 1024;    // larger headers get 431
  int idle_timeout_seconds = 60;           // keep-alive connections idle longer are closed
  int read_timeout_seconds = 30;           // a request must arrive in full within this
  /// Builds the server's own error answers (413, 400, ...), so each fake can speak its
  /// API's error style (Docker: JSON {"message"}; Consul: plain text).
  std::function<Response(Status, std::string_view message)> make_error;
};

/// An HTTPS listener's certificate, and optionally the CA that client certificates must chain to.
struct TlsListenerOptions {
  std::string cert_file;         // PEM certificate (chain) the server presents
  std::string key_file;          // PEM private key
  std::string ca_file;           // PEM CA bundle for client certificates ("" = none)
  bool verify_incoming = false;  // require a client certificate signed by ca_file
};

/// Builds a response with the given status, content type and body.
Response make_response(Status status, std::string body, std::string_view content_type,
                       unsigned version = 11);

/// The bytes of `response` as an HTTP/1.1 keep-alive answer with Content-Length: what
/// respond() would send for such a request, for Exchange::respond_wire.
std::string wire_response(Response response);

/// While one is alive on the io thread, answers given with Exchange::respond_wire on plain
/// sockets are collected instead of sent, and sent when it is destroyed: a large batch from
/// several threads at once. For the moment one change releases thousands of blocking queries:
/// on loopback TCP a send() also runs the receiver's half of TCP in the sender's thread (~6 µs),
/// so one thread sending 10,000 answers alone takes 60 ms. Nested batches join the outer one.
class SendBatch {
 public:
  SendBatch();
  ~SendBatch();
  SendBatch(const SendBatch&) = delete;
  SendBatch& operator=(const SendBatch&) = delete;

  struct Entry;

 private:
  bool owner_ = false;
};

/// Owns the listeners. Call every member, and destroy it, on the io_context's thread (or after
/// the io_context has stopped): the server keeps no locks.
class Server {
 public:
  Server(boost::asio::io_context& io, Handler handler, ServerOptions options = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Listens on address:port (port 0 = any free port); returns the bound port.
  std::uint16_t listen_tcp(const std::string& address, std::uint16_t port);
  /// Listens for HTTPS on address:port; returns the bound port. Throws std::runtime_error naming
  /// the file when the certificate, key or CA cannot be loaded.
  std::uint16_t listen_tls(const std::string& address, std::uint16_t port, const TlsListenerOptions& tls);
  /// Listens on a unix socket, replacing a stale socket file; the file is removed on stop().
  void listen_unix(const std::string& path);
  /// Closes every open connection but keeps listening ("all streams drop").
  void close_connections();
  /// Closes listeners and connections.
  void stop();
  std::size_t connection_count() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace fakes::http
