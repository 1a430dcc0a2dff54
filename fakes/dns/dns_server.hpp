// DnsServer: the fake Consul DNS listener, UDP and TCP on one port.
//
// Usage (fake-consul embeds it like this):
//     fakes::dns::DnsServer dns(io, catalog_directory, fakes::dns::DnsConfig{},
//                               boost::asio::ip::make_address("127.0.0.1"), 0);
//     std::uint16_t port = dns.port();   // bound synchronously in the constructor
//     io.run();                          // on ONE thread
//
// Threading: all I/O and every ServiceDirectory call happen on the thread running `io`.
// Construct before or on that thread; call stop() and destroy on that thread, or after `io`
// has stopped running. Pending handlers keep the internals alive, so destroying the server
// while the io_context still has queued work is safe.
//
// Robustness: malformed packets get FORMERR or are dropped; a TCP client that stalls or
// sends an oversize length is disconnected after DnsServerLimits; nothing blocks the loop.
#pragma once

#include "fakes/dns/answers/dns_config.hpp"
#include "fakes/dns/answers/service_directory.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace fakes::dns {

struct DnsServerLimits {
  std::chrono::milliseconds tcp_idle_timeout{8000};  ///< per read/write on a TCP connection
  std::size_t max_tcp_connections = 256;              ///< further connections are closed at once
  std::size_t max_tcp_query_size = 16384;             ///< larger length prefix -> disconnect
  std::size_t max_udp_send_queue = 1024;              ///< responses beyond this are dropped
};

struct DnsServerStats {
  std::uint64_t udp_queries = 0;
  std::uint64_t tcp_queries = 0;
  std::uint64_t dropped = 0;  ///< queries that got no response (unparsable, QR set, queue full)
};

class DnsServer {
 public:
  /// Binds UDP and TCP on `address`:`port` (0 = pick a port free for both protocols) and
  /// starts serving. Throws boost::system::system_error when binding fails.
  DnsServer(boost::asio::io_context& io, const ServiceDirectory& directory, DnsConfig config,
            const boost::asio::ip::address& address, std::uint16_t port,
            DnsServerLimits limits = {});
  ~DnsServer();
  DnsServer(const DnsServer&) = delete;
  DnsServer& operator=(const DnsServer&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept;
  /// Closes the sockets and all TCP connections. Idempotent.
  void stop();
  /// Counters since construction; read on the io thread.
  [[nodiscard]] DnsServerStats stats() const noexcept;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace fakes::dns
