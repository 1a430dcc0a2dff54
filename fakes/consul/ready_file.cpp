#include "fakes/consul/ready_file.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <unistd.h>

namespace fakes::consul {

std::string listen_address(const std::string& address, std::uint16_t port) {
  std::string host = address;
  if (host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::") host = "::1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return host + ":" + std::to_string(port);
}

std::optional<std::string> write_ready_file(const std::string& path, const std::string& http,
                                            const std::optional<std::string>& dns,
                                            const std::optional<std::string>& https,
                                            const std::map<std::string, std::string>& agents) {
  nlohmann::json doc = {{"http", http}};
  if (dns) doc["dns"] = *dns;
  if (https) doc["https"] = *https;
  if (!agents.empty()) doc["agents"] = agents;
  const std::string temp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::trunc);
    out << doc.dump() << "\n";
    out.close();
    if (!out) return "cannot write ready file " + temp + ": " + std::strerror(errno);
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::string why = std::strerror(errno);
    std::remove(temp.c_str());
    return "cannot rename ready file into " + path + ": " + why;
  }
  return std::nullopt;
}

}  // namespace fakes::consul
