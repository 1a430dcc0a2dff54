#include "http_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <deque>
#include <list>
#include <optional>
#include <sstream>
#include <system_error>
#include <thread>
#include <vector>

namespace fakes::http {
namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using unix_socket = net::local::stream_protocol;

Response make_response(Status status, std::string body, std::string_view content_type, unsigned version) {
  Response res{status, version};
  if (!content_type.empty()) res.set(bhttp::field::content_type, content_type);
  res.body() = std::move(body);
  return res;
}

namespace {

// Status line and fields as Beast prints them, then the body: one buffer sized once (a
// stringstream and a growing string cost more than the answer for a small document).
std::string serialize(const Response& res, bool with_body) {
  const auto& body = res.body();
  std::string bytes;
  bytes.reserve(256 + (with_body ? body.size() : 0));
  bytes.append("HTTP/").append(1, static_cast<char>('0' + res.version() / 10)).append(1, '.');
  bytes.append(1, static_cast<char>('0' + res.version() % 10)).append(1, ' ');
  bytes.append(std::to_string(res.result_int())).append(1, ' ').append(res.reason()).append("\r\n");
  for (const auto& field : res.base())
    bytes.append(field.name_string()).append(": ").append(field.value()).append("\r\n");
  bytes.append("\r\n");
  if (with_body) bytes += body;  // one copy of a body that may be megabytes
  return bytes;
}

}  // namespace

std::string wire_response(Response response) {
  response.version(11);
  response.keep_alive(true);
  if (!response.has_content_length() && !response.chunked()) response.prepare_payload();
  return serialize(response, true);
}

namespace {

Response default_error(Status status, std::string_view message) {
  return make_response(status, std::string(message) + "\n", "text/plain; charset=utf-8");
}

// What an exchange needs from the connection that carries it.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual void write(std::string bytes) = 0;
  /// As write(), for bytes other connections send too (kept alive until written).
  virtual void write_shared(std::shared_ptr<const std::string> bytes) = 0;
  /// The exchange's last bytes are queued; go on reading (keep-alive) or close once written.
  virtual void exchange_done(bool keep_alive) = 0;
  virtual bool open() const = 0;
  virtual void close() = 0;
  virtual std::string_view transport() const = 0;
  /// The active SendBatch wrote `sent` bytes of the queued answer; `failed`: the socket is broken.
  virtual void batched_send_done(std::size_t sent, bool failed) = 0;
};

}  // namespace

struct SendBatch::Entry {
  std::shared_ptr<Connection> connection;
  int fd = -1;
  std::string_view bytes;  // owned by the connection's queue until batched_send_done
  std::size_t sent = 0;
  bool failed = false;
};

namespace {

// The batch collecting on this thread (the io thread), if any.
thread_local std::vector<SendBatch::Entry>* active_send_batch = nullptr;

void send_entry(SendBatch::Entry& e) {
  while (e.sent < e.bytes.size()) {
    const ssize_t n = ::send(e.fd, e.bytes.data() + e.sent, e.bytes.size() - e.sent, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      e.sent += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      e.failed = n < 0 && errno != EAGAIN && errno != EWOULDBLOCK;
      return;  // a full socket buffer: the connection's own asynchronous write sends the rest
    }
  }
}

// Below this many answers a second thread costs more than it saves.
constexpr std::size_t kParallelSendThreshold = 256;

void send_all(std::vector<SendBatch::Entry>& entries) {
  std::size_t helpers = 0;
  if (entries.size() >= kParallelSendThreshold)
    helpers = std::min<std::size_t>(3, std::max(1u, std::thread::hardware_concurrency()) - 1);
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    constexpr std::size_t kChunk = 32;
    for (std::size_t begin; (begin = next.fetch_add(kChunk)) < entries.size();)
      for (std::size_t i = begin; i < std::min(entries.size(), begin + kChunk); ++i) send_entry(entries[i]);
  };
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < helpers; ++i) {
    try {
      threads.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // no thread to be had: this one sends everything
    }
  }
  work();
  for (auto& t : threads) t.join();
}

}  // namespace

SendBatch::SendBatch() {
  if (active_send_batch) return;  // nested: the outer batch sends
  active_send_batch = new std::vector<Entry>();
  owner_ = true;
}

SendBatch::~SendBatch() {
  if (!owner_) return;
  std::unique_ptr<std::vector<Entry>> entries(active_send_batch);
  active_send_batch = nullptr;
  // Only the sends run on other threads; every connection's state is touched here, on the io
  // thread, before and after.
  std::vector<Entry> live;
  live.reserve(entries->size());
  for (auto& e : *entries)
    if (e.connection->open()) live.push_back(std::move(e));
  send_all(live);
  for (auto& e : live) e.connection->batched_send_done(e.sent, e.failed);
  for (auto& e : *entries)
    if (e.connection) e.connection->batched_send_done(0, false);  // closed meanwhile: just release
}

namespace {

class ExchangeImpl final : public Exchange {
 public:
  ExchangeImpl(std::weak_ptr<Connection> connection, Request request)
      : connection_(std::move(connection)), request_(std::move(request)) {}

  ~ExchangeImpl() override {
    // A handler that dropped its exchange without answering must not hang the client.
    if (!finished_) {
      if (auto c = connection_.lock(); c && c->open()) {
        if (streaming_) {
          c->write("0\r\n\r\n");
          c->exchange_done(false);
        } else {
          write_response(*c, default_error(Status::internal_server_error, "handler gave no answer"), false);
        }
      }
    }
  }

  const Request& request() const override { return request_; }

  void respond(Response response) override {
    if (finished_ || streaming_) return;
    finished_ = true;
    if (auto c = connection_.lock(); c && c->open()) write_response(*c, std::move(response), request_.keep_alive());
  }

  bool respond_wire(const std::shared_ptr<const std::string>& wire, unsigned) override {
    if (finished_ || streaming_ || request_.version() != 11 || !request_.keep_alive() ||
        request_.method() == bhttp::verb::head)
      return false;
    finished_ = true;
    if (auto c = connection_.lock(); c && c->open()) {
      c->write_shared(wire);
      c->exchange_done(true);
    }
    return true;
  }

  void begin_stream(Response header) override {
    if (finished_ || streaming_) return;
    streaming_ = true;
    auto c = connection_.lock();
    if (!c || !c->open()) return;
    header.version(request_.version());
    header.keep_alive(request_.keep_alive());
    header.chunked(true);
    std::ostringstream os;
    os << header.base();
    c->write(os.str());
  }

  void send_chunk(std::string_view data) override {
    if (!streaming_ || finished_ || data.empty()) return;
    auto c = connection_.lock();
    if (!c || !c->open()) return;
    char size[24];
    int n = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    std::string chunk(size, static_cast<std::size_t>(n));
    chunk.append(data);
    chunk.append("\r\n");
    c->write(std::move(chunk));
  }

  void end_stream() override {
    if (!streaming_ || finished_) return;
    finished_ = true;
    if (auto c = connection_.lock(); c && c->open()) {
      c->write("0\r\n\r\n");
      c->exchange_done(request_.keep_alive());
    }
  }

  bool is_open() const override {
    auto c = connection_.lock();
    return c && c->open();
  }

  void on_close(std::function<void()> callback) override { close_callbacks_.push_back(std::move(callback)); }

  void abort() override {
    finished_ = true;
    if (auto c = connection_.lock()) c->close();
  }

  std::string_view transport() const override {
    auto c = connection_.lock();
    return c ? c->transport() : std::string_view{};
  }

  /// Called by the connection when it closes before this exchange finished.
  void connection_closed() {
    if (finished_) return;
    finished_ = true;
    auto callbacks = std::move(close_callbacks_);
    for (auto& cb : callbacks) cb();
  }

  bool finished() const { return finished_; }

 private:
  void write_response(Connection& c, Response res, bool keep_alive) {
    finished_ = true;
    const bool head = request_.method() == bhttp::verb::head;
    res.version(request_.version());
    res.keep_alive(keep_alive);
    if (!res.has_content_length() && !res.chunked()) res.prepare_payload();
    c.write(serialize(res, !head));
    c.exchange_done(keep_alive);
  }

  std::weak_ptr<Connection> connection_;
  Request request_;
  bool finished_ = false;
  bool streaming_ = false;
  std::vector<std::function<void()>> close_callbacks_;
};

}  // namespace

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(net::io_context& io_, Handler handler_, ServerOptions options_)
      : io(io_), handler(std::move(handler_)), options(std::move(options_)) {
    if (!options.make_error) options.make_error = default_error;
  }

  void track(const std::shared_ptr<Connection>& c) {
    // Prune once the list has doubled since the last prune: O(1) amortized per accept, not O(n).
    if (connections.size() >= prune_at) {
      connections.remove_if([](const std::weak_ptr<Connection>& w) { return w.expired(); });
      prune_at = std::max<std::size_t>(64, 2 * connections.size());
    }
    connections.push_back(c);
  }
  std::size_t prune_at = 64;

  net::io_context& io;
  Handler handler;
  ServerOptions options;
  std::vector<std::shared_ptr<tcp::acceptor>> tcp_acceptors;
  std::vector<std::shared_ptr<net::ssl::context>> tls_contexts;  // live as long as their listeners
  std::vector<std::pair<std::shared_ptr<unix_socket::acceptor>, std::string>> unix_acceptors;
  std::list<std::weak_ptr<Connection>> connections;
  bool stopped = false;
};

namespace {

// A plain stream, or TLS over one: the session reads and writes `Stream`, and sets timeouts and
// closes on its lowest layer.
template <class Protocol, bool Tls>
using SessionStream = std::conditional_t<Tls, beast::ssl_stream<beast::basic_stream<Protocol>>, beast::basic_stream<Protocol>>;

template <class Protocol, bool Tls = false>
class Session final : public Connection, public std::enable_shared_from_this<Session<Protocol, Tls>> {
 public:
  Session(typename Protocol::socket socket, std::shared_ptr<Server::Impl> server, std::string_view transport)
    requires(!Tls)
      : stream_(std::move(socket)), idle_timer_(lowest().get_executor()), server_(std::move(server)), transport_(transport) {}
  Session(typename Protocol::socket socket, net::ssl::context& tls, std::shared_ptr<Server::Impl> server,
          std::string_view transport)
    requires(Tls)
      : stream_(std::move(socket), tls), idle_timer_(lowest().get_executor()), server_(std::move(server)), transport_(transport) {}

  void start() {
    // Lets write() try a send at once (EAGAIN instead of blocking); asio's async operations
    // work the same on a non-blocking socket.
    beast::error_code ignored;
    lowest().socket().non_blocking(true, ignored);
    if constexpr (Tls) {
      // A client that never finishes the handshake must not hold the connection forever.
      lowest().expires_after(std::chrono::seconds(server_->options.read_timeout_seconds));
      stream_.async_handshake(net::ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
        if (self->closed_) return;
        if (ec) return self->close();  // no/bad client certificate, plain HTTP on the TLS port, ...
        self->lowest().expires_never();  // from here on the request timer (idle_timer_) applies
        self->do_read();
      });
    } else {
      do_read();
    }
  }

  void write(std::string bytes) override {
    if (closed_) return;
    if (const auto sent = send_now(bytes); sent < bytes.size()) {
      outbox_.push_back({sent == 0 ? std::move(bytes) : bytes.substr(sent), nullptr});
      if (!writing_) do_write();
    }
  }

  void write_shared(std::shared_ptr<const std::string> bytes) override {
    if (closed_) return;
    if constexpr (!Tls) {
      if (active_send_batch && !writing_ && outbox_.empty() && !bytes->empty()) {
        writing_ = true;  // the batch owns this write until batched_send_done
        active_send_batch->push_back({this->shared_from_this(), lowest().socket().native_handle(), *bytes});
        outbox_.push_back({{}, std::move(bytes)});
        return;
      }
    }
    if (const auto sent = send_now(*bytes); sent < bytes->size()) {
      if (sent == 0) outbox_.push_back({{}, std::move(bytes)});
      else outbox_.push_back({bytes->substr(sent), nullptr});
      if (!writing_) do_write();
    }
  }

  void exchange_done(bool keep_alive) override {
    exchange_done_ = true;
    keep_alive_ = keep_alive;
    if (!writing_ && !in_handler_) after_exchange();
  }

  bool open() const override { return !closed_; }

  void batched_send_done(std::size_t sent, bool failed) override {
    writing_ = false;
    if (closed_) return;
    if (failed) return close();
    consume_outbox(sent);
    if (!outbox_.empty()) return do_write();
    if (exchange_done_) after_exchange();
  }

  void close() override {
    if (closed_) return;
    closed_ = true;
    idle_timer_.cancel();
    beast::error_code ec;
    lowest().socket().shutdown(Protocol::socket::shutdown_both, ec);
    lowest().close();
    if (auto ex = exchange_.lock()) ex->connection_closed();
  }

  std::string_view transport() const override { return transport_; }

 private:
  void do_read() {
    if (closed_) return;
    exchange_done_ = false;
    parser_.emplace();
    parser_->body_limit(server_->options.body_limit);
    parser_->header_limit(static_cast<std::uint32_t>(server_->options.header_limit));
    reading_ = true;
    read_started_ = std::chrono::steady_clock::now();
    arm_idle_timer(read_started_ + std::chrono::seconds(server_->options.idle_timeout_seconds));
    if constexpr (!Tls) {
      // With nothing buffered the next request has not come yet (a keep-alive client has only
      // just been answered): wait for it rather than find the socket empty.
      if (buffer_.size() == 0) return wait_readable();
      read_plain();
    } else {
      bhttp::async_read(stream_, buffer_, *parser_,
                        [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }
  }

  // Plain sockets: the request is parsed from what is buffered and what non-blocking reads find,
  // and only when that is not enough does the session wait for the socket to become readable.
  // A keep-alive exchange then costs epoll_wait, recvmsg and the answer's sendmsg; async_read
  // added a read attempt that found nothing (the client had only just been answered) or a
  // completion posted through the scheduler (another epoll_wait).
  void read_plain() {
    auto& socket = lowest().socket();
    beast::error_code ec;
    if (!socket.non_blocking()) socket.non_blocking(true, ec);
    for (;;) {
      while (buffer_.size() > 0 && !parser_->is_done()) {
        const std::size_t used = parser_->put(buffer_.data(), ec);
        buffer_.consume(used);
        if (ec == bhttp::error::need_more) {
          ec = {};
          break;
        }
        if (ec) return on_read(ec);
        if (used == 0) break;
      }
      if (parser_->is_done()) return on_read({});
      const std::size_t n = socket.read_some(buffer_.prepare(kReadSize), ec);
      if (ec == net::error::would_block || ec == net::error::try_again) return wait_readable();
      if (ec == net::error::eof) {
        if (!parser_->got_some()) return on_read(bhttp::error::end_of_stream);
        parser_->put_eof(ec);
        return on_read(ec ? ec : beast::error_code(bhttp::error::partial_message));
      }
      if (ec) return on_read(ec);  // reset and the like: on_read closes
      buffer_.commit(n);
    }
  }
  static constexpr std::size_t kReadSize = 16 * 1024;

  void wait_readable() {
    lowest().socket().async_wait(Protocol::socket::wait_read, [self = this->shared_from_this()](beast::error_code ec) {
      if (self->closed_) return;
      if (ec) return self->close();
      self->read_plain();
    });
  }

  void on_read(beast::error_code ec) {
    if (closed_) return;
    if (ec) {
      if (ec == bhttp::error::body_limit) return fail_request(Status::payload_too_large, "request body too large");
      if (ec == bhttp::error::header_limit) return fail_request(Status::request_header_fields_too_large, "request header too large");
      if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() && ec != bhttp::error::end_of_stream &&
          ec != bhttp::error::partial_message)
        return fail_request(Status::bad_request, "malformed request: " + ec.message());
      return close();  // EOF, timeout, reset: nothing to answer
    }
    reading_ = false;  // the handler may hold this exchange for a long time (streams)
    auto exchange = std::make_shared<ExchangeImpl>(this->weak_from_this(), parser_->release());
    exchange_ = exchange;
    // An answer written at once must not start the next read from inside the handler: that
    // happens here, once the handler has returned.
    in_handler_ = true;
    server_->handler(exchange);
    in_handler_ = false;
    // Most handlers answer at once; a read attempt per request just to find EAGAIN costs two
    // system calls. Only an exchange still pending needs one to notice the client leaving.
    if (!exchange_done_) probe();
    else if (!writing_) after_exchange();
  }

  // While an exchange is pending, keep a read outstanding so a client that goes away is noticed
  // (Docker CLI drops its /wait connection; event subscribers disconnect). Bytes that arrive meanwhile
  // are the next pipelined request and stay in buffer_ for the parser.
  void probe() {
    if (probing_ || closed_ || buffer_.size() > server_->options.header_limit) return;
    probing_ = true;
    stream_.async_read_some(buffer_.prepare(4096), [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
      self->probing_ = false;
      if (self->closed_) return;
      if (ec) return self->close();
      self->buffer_.commit(n);
      if (self->exchange_done_ && !self->writing_ && self->keep_alive_)
        self->do_read();
      else
        self->probe();
    });
  }

  // With nothing queued, a plain socket takes the bytes in one send() without an asynchronous
  // operation, its allocation and its completion handler: most answers fit the socket buffer.
  // Returns how many bytes went out (0 when the caller must queue them all).
  std::size_t send_now(std::string_view bytes) {
    if constexpr (Tls) {
      return 0;
    } else {
      if (writing_ || !outbox_.empty() || bytes.empty()) return 0;
      beast::error_code ec;
      const auto n = lowest().socket().send(net::buffer(bytes.data(), bytes.size()), 0, ec);
      return ec ? 0 : n;  // would_block, or an error the asynchronous write will meet and report
    }
  }

  void do_write() {
    if (closed_ || outbox_.empty()) return;
    if constexpr (!Tls) {
      if (write_now()) return;
    }
    writing_ = true;
    // Everything queued goes out in one gathered write (a busy event stream queues many small
    // chunks); the strings stay put while the deque grows at the back.
    gather_.clear();
    for (std::size_t i = 0; i < outbox_.size() && i < kMaxGather; ++i) gather_.push_back(outbox_[i].buffer());
    net::async_write(stream_, gather_,
                     [self = this->shared_from_this(), sent = gather_.size()](beast::error_code ec, std::size_t) {
                       self->writing_ = false;
                       if (self->closed_) return;
                       if (ec) return self->close();
                       for (std::size_t i = 0; i < sent; ++i) self->outbox_.pop_front();
                       if (!self->outbox_.empty()) return self->do_write();
                       if (self->exchange_done_) self->after_exchange();
                     });
  }

  // Plain sockets: the queue written at once, without waiting, when the socket buffer takes it
  // (nearly always), so the exchange ends here instead of in a completion posted through the
  // scheduler: one epoll_wait fewer per keep-alive exchange. False: bytes are left for async_write.
  bool write_now() {
    auto& socket = lowest().socket();
    beast::error_code ec;
    if (!socket.non_blocking()) socket.non_blocking(true, ec);
    while (!outbox_.empty()) {
      gather_.clear();
      std::size_t total = 0;
      for (std::size_t i = 0; i < outbox_.size() && i < kMaxGather; ++i) {
        gather_.push_back(outbox_[i].buffer());
        total += gather_.back().size();
      }
      std::size_t n = socket.write_some(gather_, ec);
      if (ec == net::error::would_block || ec == net::error::try_again) {
        n = 0;
      } else if (ec) {
        close();
        return true;
      }
      const bool all = n == total;
      consume_outbox(n);
      if (!all) return false;  // the socket buffer is full: async_write waits for room
    }
    if (exchange_done_) after_exchange();
    return true;
  }

  // Drops what went out; a partly written piece keeps its rest, as its own copy.
  void consume_outbox(std::size_t n) {
    while (n > 0 && !outbox_.empty()) {
      const auto front = outbox_.front().buffer();
      if (n >= front.size()) {
        n -= front.size();
        outbox_.pop_front();
      } else {
        outbox_.front() = {std::string(static_cast<const char*>(front.data()) + n, front.size() - n), nullptr};
        n = 0;
      }
    }
  }

  void after_exchange() {
    // Answered from inside on_read() (a write that went out at once): on_read() goes on once the
    // handler has returned.
    if (closed_ || in_handler_) return;
    if (!keep_alive_) return close();
    if (probing_) return;  // the outstanding probe resumes reading when the next bytes arrive
    do_read();
  }

  void fail_request(Status status, std::string message) {
    Response res = server_->options.make_error(status, message);
    res.version(11);
    res.keep_alive(false);
    res.prepare_payload();
    std::ostringstream os;
    os << res;
    write(os.str());
    exchange_done(false);
  }

  beast::basic_stream<Protocol>& lowest() { return beast::get_lowest_layer(stream_); }

  // The request timeout: a connection waiting for (the rest of) a request longer than
  // idle_timeout_seconds is closed. One timer per connection, set again only when it fires,
  // instead of a stream timeout set and cleared per request (a timerfd_settime system call and
  // timer queue work on every keep-alive exchange).
  void arm_idle_timer(std::chrono::steady_clock::time_point when) {
    if (timer_armed_) return;  // it fires earlier (or on time) and looks again
    timer_armed_ = true;
    idle_timer_.expires_at(when);
    idle_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      self->timer_armed_ = false;
      if (ec || self->closed_ || !self->reading_) return;  // not waiting for a request: do_read arms it
      const auto deadline = self->read_started_ + std::chrono::seconds(self->server_->options.idle_timeout_seconds);
      if (std::chrono::steady_clock::now() >= deadline) return self->close();
      self->arm_idle_timer(deadline);
    });
  }

  SessionStream<Protocol, Tls> stream_;
  net::steady_timer idle_timer_;
  std::chrono::steady_clock::time_point read_started_;
  bool reading_ = false;
  bool timer_armed_ = false;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::shared_ptr<Server::Impl> server_;
  std::string_view transport_;
  std::weak_ptr<ExchangeImpl> exchange_;
  // Bytes waiting to be written: owned, or shared with other connections.
  struct Pending {
    std::string owned;
    std::shared_ptr<const std::string> shared;
    net::const_buffer buffer() const { return shared ? net::buffer(*shared) : net::buffer(owned); }
  };
  std::deque<Pending> outbox_;
  static constexpr std::size_t kMaxGather = 256;  // below IOV_MAX (1024)
  std::vector<net::const_buffer> gather_;
  bool writing_ = false;
  bool in_handler_ = false;  // server_->handler() is running (on_read continues afterwards)
  bool probing_ = false;
  bool closed_ = false;
  bool exchange_done_ = false;
  bool keep_alive_ = true;
};

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
