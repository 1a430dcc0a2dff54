#pragma once
// One connection: reads requests, hands each to the server's handler as an Exchange, and writes
// what the exchange answers (at once, later, or as a stream). A template over the socket
// protocol (TCP, unix) and TLS. Internal to the HTTP server; the ownership rules are at the top
// of http_server.hpp.

#include "fakes/common/http/exchange.hpp"
#include "fakes/common/http/send_batch.hpp"
#include "fakes/common/http/server_state.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include <linux/sockios.h>
#include <sys/ioctl.h>

#include <chrono>
#include <deque>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

namespace fakes::http::detail {
namespace net = boost::asio;
namespace beast = boost::beast;

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
      if (auto* batch = active_send_batch(); batch && !writing_ && outbox_.empty() && !bytes->empty()) {
        writing_ = true;  // the batch owns this write until batched_send_done
        batch->push_back({this->shared_from_this(), lowest().socket().native_handle(), *bytes});
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
  void hijack() override { hijacked_ = true; }

  std::optional<std::size_t> unread_by_peer() override {
    if constexpr (Tls || !std::is_same_v<Protocol, net::local::stream_protocol>) {
      return std::nullopt;
    } else {
      if (closed_) return std::nullopt;
      // On a unix socket the bytes sent stay charged to the sender until the receiver reads them.
      int in_kernel = 0;
      if (::ioctl(lowest().socket().native_handle(), SIOCOUTQ, &in_kernel) != 0) return std::nullopt;
      std::size_t queued = 0;
      for (const auto& pending : outbox_) queued += pending.buffer().size();
      return queued + static_cast<std::size_t>(in_kernel);
    }
  }

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
    const auto keep_until_return = std::move(held_after_half_close_);
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
    auto exchange = make_exchange(server_->io, this->weak_from_this(), parser_->release());
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
      if (self->hijacked_) {
        // Stdin is dropped; the client closing its half (docker CLI without -i) leaves ours open.
        // No read is outstanding from here on, so the session holds itself until close(): an
        // unowned session would vanish without close() and its exchange's on_close callbacks.
        if (ec == net::error::eof) {
          self->held_after_half_close_ = self;
          return;
        }
        if (ec) return self->close();
        self->buffer_.consume(self->buffer_.size());
        return self->probe();
      }
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
  bool hijacked_ = false;
  std::shared_ptr<Session> held_after_half_close_;  // see probe(): a hijacked stream after the client's EOF
  bool exchange_done_ = false;
  bool keep_alive_ = true;
};

}  // namespace fakes::http::detail
