#include "scenarios/regsim/processes/free_port.hpp"

#include "scenarios/regsim/processes/child_process.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace regsim {

std::uint16_t free_port(const std::string& ip, const std::string& who) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw LaunchError(who + ": cannot create a socket to find a free port");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  if (::inet_pton(AF_INET, ip.c_str(), &addr.sin_addr) != 1) {
    ::close(fd);
    throw LaunchError(who + ": not an IPv4 address: " + ip);
  }
  socklen_t len = sizeof addr;
  std::uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(fd);
  if (port == 0) throw LaunchError(who + ": cannot find a free port on " + ip);
  return port;
}

}  // namespace regsim
