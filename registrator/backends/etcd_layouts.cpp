#include "registrator/backends/etcd_layouts.hpp"

#include <algorithm>
#include <vector>

#include "registrator/backends/join_host_port.hpp"

namespace registrator {

EtcdLayout etcd_layout(std::string path) {
  EtcdLayout l;
  l.backend = "etcd";
  l.key = [path](const Service& s) { return path + "/" + s.name + "/" + s.id; };
  l.value = [](const Service& s) { return join_host_port(s.ip, s.port); };
  return l;
}

std::string skydns2_domain_path(const std::string& domain) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    auto dot = domain.find('.', start);
    parts.push_back(domain.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  std::reverse(parts.begin(), parts.end());
  std::string out = "/skydns";
  for (const auto& p : parts) out += "/" + p;
  return out;
}

EtcdLayout skydns2_layout(const std::string& domain) {
  EtcdLayout l;
  l.backend = "skydns2";
  const std::string base = skydns2_domain_path(domain);
  l.key = [base](const Service& s) { return base + "/" + s.name + "/" + s.id; };
  // Built as text, not through a JSON library, to match upstream's bytes exactly.
  l.value = [](const Service& s) { return R"({"host":")" + s.ip + R"(","port":)" + std::to_string(s.port) + "}"; };
  return l;
}

}  // namespace registrator
