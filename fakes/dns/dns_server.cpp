// DnsServer: binds UDP+TCP on one port and feeds packets to QueryHandler. All state lives
// in Impl, kept alive by the handlers that reference it.
#include "fakes/dns/dns_server.hpp"

#include "fakes/dns/answers/query_handler.hpp"
#include "fakes/dns/tcp_session.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <boost/system/system_error.hpp>

#include <array>
#include <deque>
#include <list>

namespace fakes::dns {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using boost::system::error_code;

class DnsServer::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(asio::io_context& io, const ServiceDirectory& directory, DnsConfig config, DnsServerLimits limits)
      : handler_(directory, std::move(config)), limits_(limits), udp_(io), acceptor_(io) {}

  void bind(const asio::ip::address& address, std::uint16_t port) {
    // With port 0 the kernel picks a UDP port that may be taken for TCP; retry a few times.
    const int attempts = port == 0 ? 16 : 1;
    for (int i = 1;; ++i) {
      error_code ec;
      try_bind(address, port, ec);
      if (!ec) return;
      error_code ignored;
      udp_.close(ignored);
      acceptor_.close(ignored);
      if (i >= attempts) throw boost::system::system_error(ec, "fake dns bind");
    }
  }

  void start() {
    receive();
    accept();
  }

  void stop() {
    stopped_ = true;
    error_code ignored;
    udp_.close(ignored);
    acceptor_.close(ignored);
    for (const auto& weak : sessions_) {
      if (auto s = weak.lock()) s->close();
    }
    sessions_.clear();
    send_queue_.clear();
  }

  std::uint16_t port() const noexcept { return port_; }
  DnsServerStats stats() const noexcept { return stats_; }

 private:
  void try_bind(const asio::ip::address& address, std::uint16_t port, error_code& ec) {
    const udp::endpoint udp_ep(address, port);
    udp_.open(udp_ep.protocol(), ec);
    if (ec) return;
    udp_.bind(udp_ep, ec);
    if (ec) return;
    udp_.non_blocking(true, ec);
    if (ec) return;
    const std::uint16_t bound = udp_.local_endpoint(ec).port();
    if (ec) return;
    const tcp::endpoint tcp_ep(address, bound);
    acceptor_.open(tcp_ep.protocol(), ec);
    if (ec) return;
    acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (ec) return;
    acceptor_.bind(tcp_ep, ec);
    if (ec) return;
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return;
    port_ = bound;
  }

  std::optional<std::vector<std::uint8_t>> answer(std::span<const std::uint8_t> query, Transport transport) {
    try {
      auto response = handler_.answer(query, transport);
      if (!response) ++stats_.dropped;
      return response;
    } catch (const std::exception&) {
      ++stats_.dropped;  // e.g. bad_alloc: never let one packet take the server down
      return std::nullopt;
    }
  }

  // ---- UDP ----
  // Readiness-based and batched: wait until the socket is readable, then take up to kBatch
  // datagrams with one recvmmsg, answer them, and send the answers with one sendmmsg. Per-packet
  // system calls are most of the cost of a small query (bench/dns/dnsperf_vs_nsd.sh), and this
  // is how NSD keeps them down too.
  void receive() {
    udp_.async_wait(udp::socket::wait_read, [self = shared_from_this()](error_code ec) { self->on_readable(ec); });
  }

  void on_readable(error_code ec) {
    if (stopped_ || ec == asio::error::operation_aborted) return;
    for (int round = 0; round < kRoundsPerWakeup && !stopped_; ++round) {
      const int received = receive_batch();
      if (received <= 0) break;
      answer_batch(received);
      if (received < kBatch) break;
    }
    if (!stopped_) receive();
  }

  // Returns how many datagrams landed in batch_ (0 when none are waiting).
  int receive_batch() {
    for (int i = 0; i < kBatch; ++i) {
      batch_iov_[i] = {batch_buffers_[i].data(), batch_buffers_[i].size()};
      batch_msgs_[i] = {};
      batch_msgs_[i].msg_hdr.msg_name = &batch_from_[i];
      batch_msgs_[i].msg_hdr.msg_namelen = sizeof(batch_from_[i]);
      batch_msgs_[i].msg_hdr.msg_iov = &batch_iov_[i];
      batch_msgs_[i].msg_hdr.msg_iovlen = 1;
    }
    for (;;) {
      const int n = ::recvmmsg(udp_.native_handle(), batch_msgs_.data(), kBatch, MSG_DONTWAIT, nullptr);
      if (n >= 0) return n;
      // ICMP errors (e.g. port unreachable from an earlier answer) surface here and only
      // concern one peer: read on.
      if (errno == ECONNREFUSED || errno == EINTR) continue;
      return 0;
    }
  }

  void answer_batch(int received) {
    int ready = 0;
    for (int i = 0; i < received; ++i) {
      const auto& hdr = batch_msgs_[i].msg_hdr;
      if (hdr.msg_flags & MSG_TRUNC) {  // larger than any query we accept: drop, as for garbage
        ++stats_.udp_queries;
        ++stats_.dropped;
        continue;
      }
      ++stats_.udp_queries;
      auto response = answer(std::span(batch_buffers_[i].data(), batch_msgs_[i].msg_len), Transport::kUdp);
      if (!response) continue;
      batch_answers_[ready] = std::move(*response);
      batch_out_iov_[ready] = {batch_answers_[ready].data(), batch_answers_[ready].size()};
      batch_out_[ready] = {};
      batch_out_[ready].msg_hdr.msg_name = &batch_from_[i];
      batch_out_[ready].msg_hdr.msg_namelen = hdr.msg_namelen;
      batch_out_[ready].msg_hdr.msg_iov = &batch_out_iov_[ready];
      batch_out_[ready].msg_hdr.msg_iovlen = 1;
      ++ready;
    }
    int sent = 0;
    while (sent < ready && send_queue_.empty()) {
      const int n = ::sendmmsg(udp_.native_handle(), batch_out_.data() + sent, ready - sent, MSG_DONTWAIT);
      if (n > 0) {
        sent += n;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        break;  // socket buffer full: the rest goes through the async queue
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else {
        ++sent;  // this peer's datagram is lost, as UDP allows; go on with the others
      }
    }
    for (int i = sent; i < ready; ++i) {
      udp::endpoint to;
      std::memcpy(to.data(), batch_out_[i].msg_hdr.msg_name, batch_out_[i].msg_hdr.msg_namelen);
      to.resize(batch_out_[i].msg_hdr.msg_namelen);
      queue_answer(to, std::move(batch_answers_[i]));
    }
  }

  void queue_answer(const udp::endpoint& to, std::vector<std::uint8_t> bytes) {
    if (send_queue_.size() >= limits_.max_udp_send_queue) {
      ++stats_.dropped;
      return;
    }
    send_queue_.push_back({to, std::move(bytes)});
    if (send_queue_.size() == 1) send_next();
  }

  void send_next() {
    const Outgoing& front = send_queue_.front();
    udp_.async_send_to(asio::buffer(front.bytes), front.to, [self = shared_from_this()](error_code ec, std::size_t) {
      if (self->stopped_ || ec == asio::error::operation_aborted) return;
      self->send_queue_.pop_front();  // a failed send is a lost datagram, as UDP allows
      if (!self->send_queue_.empty()) self->send_next();
    });
  }

  // ---- TCP ----
  void accept() {
    acceptor_.async_accept([self = shared_from_this()](error_code ec, tcp::socket socket) {
      if (self->stopped_ || ec == asio::error::operation_aborted) return;
      if (!ec) self->start_session(std::move(socket));
      self->accept();
    });
  }

  void start_session(tcp::socket socket) {
    sessions_.remove_if([](const std::weak_ptr<TcpSession>& w) { return w.expired(); });
    if (sessions_.size() >= limits_.max_tcp_connections) {
      error_code ignored;
      socket.close(ignored);
      return;
    }
    std::weak_ptr<Impl> weak_self = weak_from_this();
    auto session = std::make_shared<TcpSession>(
        std::move(socket),
        [weak_self](std::span<const std::uint8_t> query) -> std::optional<std::vector<std::uint8_t>> {
          auto self = weak_self.lock();
          if (!self || self->stopped_) return std::nullopt;
          ++self->stats_.tcp_queries;
          return self->answer(query, Transport::kTcp);
        },
        limits_.tcp_idle_timeout, limits_.max_tcp_query_size);
    sessions_.push_back(session);
    session->start();
  }

  static constexpr int kBatch = 32;            // datagrams per recvmmsg/sendmmsg
  static constexpr int kRoundsPerWakeup = 4;   // batches per wake-up before TCP gets a turn
  static constexpr std::size_t kMaxQuery = 4096;  // bigger UDP queries are dropped (MSG_TRUNC)

  struct Outgoing {
    udp::endpoint to;
    std::vector<std::uint8_t> bytes;
  };

  QueryHandler handler_;
  DnsServerLimits limits_;
  udp::socket udp_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  bool stopped_ = false;
  std::array<std::array<std::uint8_t, kMaxQuery>, kBatch> batch_buffers_{};
  std::array<sockaddr_storage, kBatch> batch_from_{};
  std::array<iovec, kBatch> batch_iov_{};
  std::array<mmsghdr, kBatch> batch_msgs_{};
  std::array<std::vector<std::uint8_t>, kBatch> batch_answers_{};
  std::array<iovec, kBatch> batch_out_iov_{};
  std::array<mmsghdr, kBatch> batch_out_{};
  std::deque<Outgoing> send_queue_;
  std::list<std::weak_ptr<TcpSession>> sessions_;
  DnsServerStats stats_;
};

DnsServer::DnsServer(asio::io_context& io, const ServiceDirectory& directory, DnsConfig config,
                     const asio::ip::address& address, std::uint16_t port, DnsServerLimits limits)
    : impl_(std::make_shared<Impl>(io, directory, std::move(config), limits)) {
  impl_->bind(address, port);
  impl_->start();
}

DnsServer::~DnsServer() { impl_->stop(); }

std::uint16_t DnsServer::port() const noexcept { return impl_->port(); }

void DnsServer::stop() { impl_->stop(); }

DnsServerStats DnsServer::stats() const noexcept { return impl_->stats(); }

}  // namespace fakes::dns
