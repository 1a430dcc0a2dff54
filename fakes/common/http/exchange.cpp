// Exchange: answering one request now, later, or as a chunked stream.
#include "fakes/common/http/exchange.hpp"

#include <boost/asio/post.hpp>

#include <cstdio>
#include <sstream>

namespace fakes::http::detail {
namespace net = boost::asio;

ExchangeImpl::~ExchangeImpl() {
  // A handler that dropped its exchange without answering must not hang the client.
  if (finished_) return;
  if (auto c = connection_.lock(); c && c->open()) {
    if (streaming_) {
      if (!raw_) c->write("0\r\n\r\n");
      c->exchange_done(false);
    } else {
      write_response(*c, default_error(Status::internal_server_error, "handler gave no answer"), false);
    }
  }
}

void ExchangeImpl::respond(Response response) {
  if (finished_ || streaming_) return;
  finished_ = true;
  if (auto c = connection_.lock(); c && c->open()) write_response(*c, std::move(response), request_.keep_alive());
}

bool ExchangeImpl::respond_wire(const std::shared_ptr<const std::string>& wire, unsigned) {
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

void ExchangeImpl::begin_stream(Response header) {
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

void ExchangeImpl::begin_raw(std::string head) {
  if (finished_ || streaming_) return;
  streaming_ = true;
  raw_ = true;
  auto c = connection_.lock();
  if (!c || !c->open()) return;
  c->hijack();
  c->write(std::move(head));
}

void ExchangeImpl::send_chunk(std::string_view data) {
  if (!streaming_ || finished_ || data.empty()) return;
  auto c = connection_.lock();
  if (!c || !c->open()) return;
  if (raw_) return c->write(std::string(data));
  char size[24];
  const int n = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  std::string chunk(size, static_cast<std::size_t>(n));
  chunk.append(data);
  chunk.append("\r\n");
  c->write(std::move(chunk));
}

void ExchangeImpl::end_stream() {
  if (!streaming_ || finished_) return;
  finished_ = true;
  const bool keep_alive = request_.keep_alive() && !raw_;
  if (auto c = connection_.lock(); c && c->open()) {
    if (!raw_) c->write("0\r\n\r\n");
    c->exchange_done(keep_alive);
  }
}

bool ExchangeImpl::is_open() const {
  auto c = connection_.lock();
  return c && c->open();
}

std::optional<std::size_t> ExchangeImpl::unread_by_peer() const {
  auto c = connection_.lock();
  if (!c || !c->open()) return std::nullopt;
  return c->unread_by_peer();
}

void ExchangeImpl::abort() {
  finished_ = true;
  if (auto c = connection_.lock()) c->close();
}

std::string_view ExchangeImpl::transport() const {
  auto c = connection_.lock();
  return c ? c->transport() : std::string_view{};
}

void ExchangeImpl::connection_closed() {
  if (finished_) return;
  finished_ = true;
  if (close_callbacks_.empty()) return;
  // Never inside the call that found the connection gone (a write in send_chunk, a
  // close_connections): the owner may be iterating the very collection a callback erases from.
  net::post(io_, [self = shared_from_this(), callbacks = std::move(close_callbacks_)] {
    for (const auto& callback : callbacks) callback();
  });
  close_callbacks_.clear();
}

void ExchangeImpl::write_response(Connection& c, Response res, bool keep_alive) {
  finished_ = true;
  const bool head = request_.method() == bhttp::verb::head;
  res.version(request_.version());
  res.keep_alive(keep_alive);
  if (!res.has_content_length() && !res.chunked()) res.prepare_payload();
  c.write(serialize(res, !head));
  c.exchange_done(keep_alive);
}

std::shared_ptr<ExchangeImpl> make_exchange(net::io_context& io, std::weak_ptr<Connection> connection, Request request) {
  return std::shared_ptr<ExchangeImpl>(new ExchangeImpl(io, std::move(connection), std::move(request)),
                                       [&io](ExchangeImpl* exchange) {
                                         if (io.get_executor().running_in_this_thread() || io.stopped()) {
                                           delete exchange;
                                           return;
                                         }
                                         // Let go on another thread (a test's locals, a
                                         // worker's capture): the destructor writes to the
                                         // connection, which only the io thread may touch.
                                         net::post(io, [owned = std::unique_ptr<ExchangeImpl>(exchange)] {});
                                       });
}

}  // namespace fakes::http::detail
