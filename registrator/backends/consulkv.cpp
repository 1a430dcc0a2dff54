#include "registrator/backends/consulkv.hpp"

#include <nlohmann/json.hpp>

#include "registrator/app/log.hpp"
#include "registrator/backends/join_host_port.hpp"

namespace registrator {

std::string consulkv_key(const std::string& prefix, const Service& service) {
  const std::string base = prefix.empty() ? prefix : prefix.substr(1);
  return base + "/" + service.name + "/" + service.id;
}

ConsulKvBackend::ConsulKvBackend(http::Endpoint endpoint, std::string prefix, std::string token,
                                 std::chrono::milliseconds timeout)
    : endpoint_(std::move(endpoint)), prefix_(std::move(prefix)), token_(std::move(token)), timeout_(timeout) {}

http::Response ConsulKvBackend::call(const std::string& method, const std::string& target, std::string body) {
  http::Request req;
  req.method = method;
  req.target = target;
  req.body = std::move(body);
  if (!token_.empty()) req.headers.emplace_back("X-Consul-Token", token_);
  http::Response r;
  try {
    r = http::send(endpoint_, req, timeout_);
  } catch (const http::TransportError& e) {
    throw RegistryError(std::string("consulkv ") + e.what());
  }
  if (r.status != 200) {
    std::string msg = r.body;
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == '\r')) msg.pop_back();
    throw RegistryError("consulkv " + endpoint_.describe() + ": Unexpected response code: " +
                            std::to_string(r.status) + " (" + msg + ")",
                        static_cast<int>(r.status));
  }
  return r;
}

std::string ConsulKvBackend::kv_target(const Service& service) const {
  // Each key segment is escaped on its own so the '/' separators stay path separators.
  const std::string key = consulkv_key(prefix_, service);
  std::string target = "/v1/kv/";
  std::size_t start = 0;
  while (true) {
    auto slash = key.find('/', start);
    target += http::escape_path_segment(key.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    target += '/';
    start = slash + 1;
  }
  return target;
}

void ConsulKvBackend::ping() {
  auto r = call("GET", "/v1/status/leader");
  std::string leader = r.body;
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_string()) leader = j.get<std::string>();
  log::write(log::Level::info, "consulkv: current leader  " + leader, {{"backend", "consulkv"}, {"leader", leader}});
}

void ConsulKvBackend::register_service(const Service& service) {
  log::write(log::Level::debug, "path: " + consulkv_key(prefix_, service),
             {{"backend", "consulkv"}, {"service_id", service.id}, {"key", consulkv_key(prefix_, service)}});
  call("PUT", kv_target(service), join_host_port(service.ip, service.port));
}

void ConsulKvBackend::deregister(const Service& service) { call("DELETE", kv_target(service)); }

void ConsulKvBackend::refresh(const Service&) {}

std::vector<Service> ConsulKvBackend::services() { return {}; }

}  // namespace registrator
