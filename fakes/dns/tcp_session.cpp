#include "fakes/dns/tcp_session.hpp"

#include "fakes/dns/wire/wire.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

namespace fakes::dns {

namespace asio = boost::asio;
using boost::system::error_code;

TcpSession::TcpSession(asio::ip::tcp::socket socket, Answer answer, std::chrono::milliseconds idle_timeout,
                       std::size_t max_query_size)
    : socket_(std::move(socket)),
      deadline_(socket_.get_executor()),
      answer_(std::move(answer)),
      idle_timeout_(idle_timeout),
      max_query_size_(max_query_size) {}

void TcpSession::start() { read_length(); }

void TcpSession::close() {
  error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  deadline_.cancel();
}

void TcpSession::arm_deadline() {
  // Re-arming cancels the previous wait. The expiry check in the handler guards against a
  // wait that had already fired when we re-armed.
  deadline_.expires_after(idle_timeout_);
  deadline_.async_wait([self = shared_from_this()](error_code ec) {
    if (ec == asio::error::operation_aborted) return;
    if (self->deadline_.expiry() <= asio::steady_timer::clock_type::now()) self->close();
  });
}

void TcpSession::read_length() {
  arm_deadline();
  asio::async_read(socket_, asio::buffer(length_), [self = shared_from_this()](error_code ec, std::size_t) {
    if (ec) return self->close();  // EOF, reset, timeout-close: all end the connection
    const std::size_t length = static_cast<std::size_t>(self->length_[0]) << 8 | self->length_[1];
    // Shorter than a header can't be answered (no ID); longer than the limit is abuse.
    if (length < kHeaderSize || length > self->max_query_size_) return self->close();
    self->read_body(length);
  });
}

void TcpSession::read_body(std::size_t length) {
  body_.resize(length);
  asio::async_read(socket_, asio::buffer(body_), [self = shared_from_this()](error_code ec, std::size_t) {
    if (ec) return self->close();
    std::optional<std::vector<std::uint8_t>> response = self->answer_(self->body_);
    if (!response) return self->read_length();
    self->write_response(std::move(*response));
  });
}

void TcpSession::write_response(std::vector<std::uint8_t> response) {
  out_.clear();
  out_.push_back(static_cast<std::uint8_t>(response.size() >> 8));
  out_.push_back(static_cast<std::uint8_t>(response.size()));
  out_.insert(out_.end(), response.begin(), response.end());
  arm_deadline();
  asio::async_write(socket_, asio::buffer(out_), [self = shared_from_this()](error_code ec, std::size_t) {
    if (ec) return self->close();
    self->read_length();
  });
}

}  // namespace fakes::dns
