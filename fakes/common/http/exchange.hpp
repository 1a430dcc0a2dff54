#pragma once
// The Exchange a handler receives: one request and the means to answer it on its connection.
// Internal to the HTTP server; the ownership rules are at the top of http_server.hpp.

#include "fakes/common/http/connection.hpp"

#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <vector>

namespace fakes::http::detail {

class ExchangeImpl final : public Exchange, public std::enable_shared_from_this<ExchangeImpl> {
 public:
  ExchangeImpl(boost::asio::io_context& io, std::weak_ptr<Connection> connection, Request request)
      : io_(io), connection_(std::move(connection)), request_(std::move(request)) {}
  ~ExchangeImpl() override;

  const Request& request() const override { return request_; }
  void respond(Response response) override;
  bool respond_wire(const std::shared_ptr<const std::string>& wire, unsigned status) override;
  void begin_stream(Response header) override;
  void send_chunk(std::string_view data) override;
  void end_stream() override;
  void begin_raw(std::string head) override;
  bool is_open() const override;
  std::optional<std::size_t> unread_by_peer() const override;
  void on_close(std::function<void()> callback) override { close_callbacks_.push_back(std::move(callback)); }
  void abort() override;
  std::string_view transport() const override;

  /// Called by the connection when it closes before this exchange finished: the close callbacks
  /// are posted to run on a turn of the loop of their own.
  void connection_closed();

 private:
  void write_response(Connection& c, Response res, bool keep_alive);

  boost::asio::io_context& io_;
  std::weak_ptr<Connection> connection_;
  Request request_;
  bool finished_ = false;
  bool streaming_ = false;
  bool raw_ = false;  // begin_raw(): no chunk framing, the connection closes at the end
  std::vector<std::function<void()>> close_callbacks_;
};

/// A new exchange whose last owner may let go of it on any thread: it is destroyed on the io
/// thread (at once when let go there, or once the io_context has stopped).
std::shared_ptr<ExchangeImpl> make_exchange(boost::asio::io_context& io, std::weak_ptr<Connection> connection,
                                            Request request);

}  // namespace fakes::http::detail
