#include "scenarios/regsim/processes/free_port.hpp"

#include "scenarios/regsim/processes/child_process.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <random>

namespace regsim {
namespace {

// Ports below this are left to system services and to people's habits (8080, 8500, 9000...).
constexpr std::uint16_t kLowestPort = 10000;

std::uint16_t ephemeral_range_start() {
  std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
  unsigned low = 0;
  if (in >> low && low > kLowestPort + 1000u && low <= 65535u) return static_cast<std::uint16_t>(low);
  return 32768;  // Linux's default
}

bool can_bind(const sockaddr_in& addr, int type) {
  const int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const bool ok = ::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

std::uint16_t free_port(const std::string& ip, const std::string& who, PortUse use) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  if (::inet_pton(AF_INET, ip.c_str(), &addr.sin_addr) != 1) throw LaunchError(who + ": not an IPv4 address: " + ip);
  const std::uint16_t end = ephemeral_range_start();
  std::mt19937 random(std::random_device{}());
  std::uniform_int_distribution<unsigned> pick(kLowestPort, end - 1u);
  for (int attempt = 0; attempt < 200; ++attempt) {
    const auto port = static_cast<std::uint16_t>(pick(random));
    addr.sin_port = htons(port);
    if (can_bind(addr, SOCK_STREAM) && (use == PortUse::tcp || can_bind(addr, SOCK_DGRAM))) return port;
  }
  throw LaunchError(who + ": no free port on " + ip + " between " + std::to_string(kLowestPort) + " and " +
                    std::to_string(end - 1) + " (below the ephemeral range) after 200 tries");
}

}  // namespace regsim
