#include "registrator/backends/join_host_port.hpp"

namespace registrator {

std::string join_host_port(const std::string& ip, int port) {
  if (ip.find(':') != std::string::npos) return "[" + ip + "]:" + std::to_string(port);
  return ip + ":" + std::to_string(port);
}

}  // namespace registrator
