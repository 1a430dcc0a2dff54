// Internal: one DNS-over-TCP connection (RFC 1035 4.2.2 / RFC 7766): 2-byte length prefix,
// any number of queries answered in order, an idle deadline on every read and write.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace fakes::dns {

class TcpSession : public std::enable_shared_from_this<TcpSession> {
 public:
  /// Returns the response for one query, or nullopt to send nothing for it.
  using Answer = std::function<std::optional<std::vector<std::uint8_t>>(std::span<const std::uint8_t>)>;

  TcpSession(boost::asio::ip::tcp::socket socket, Answer answer, std::chrono::milliseconds idle_timeout,
             std::size_t max_query_size);

  void start();
  /// Closes the socket; pending operations finish with operation_aborted.
  void close();

 private:
  void arm_deadline();
  void read_length();
  void read_body(std::size_t length);
  void write_response(std::vector<std::uint8_t> response);

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer deadline_;
  Answer answer_;
  std::chrono::milliseconds idle_timeout_;
  std::size_t max_query_size_;
  std::array<std::uint8_t, 2> length_{};
  std::vector<std::uint8_t> body_;
  std::vector<std::uint8_t> out_;
};

}  // namespace fakes::dns
