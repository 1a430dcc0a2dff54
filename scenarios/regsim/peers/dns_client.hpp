#pragma once
// Asks one DNS server (the fake Consul's DNS port on 127.0.0.1) one question through c-ares,
// the way `dig @127.0.0.1 -p PORT NAME A` would, and reports what came back.

#include "scenarios/regsim/peers/dns_reply.hpp"
#include "scenarios/regsim/language/scenario.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace regsim {

class DnsClient {
 public:
  /// `server_ip` must be an IPv4 address; nothing else is ever asked.
  DnsClient(std::string server_ip, std::uint16_t port);

  /// Never throws for network trouble: a timeout or refusal is a reply with status failed.
  DnsReply query(const std::string& name, DnsType type, bool use_tcp,
                 std::chrono::milliseconds timeout = std::chrono::milliseconds(2000)) const;

 private:
  std::string server_ip_;
  std::uint16_t port_;
};

}  // namespace regsim
