#include "registrator/backends/etcd_client.hpp"

#include "registrator/encoding/base64.hpp"

namespace registrator {
namespace {

using nlohmann::json;

std::int64_t int64_field(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end()) return 0;  // proto3 JSON omits zero values
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (it->is_string()) {
    try {
      return std::stoll(it->get<std::string>());
    } catch (const std::exception&) {
    }
  }
  throw RegistryError(std::string("etcd: bad integer field \"") + name + "\": " + it->dump());
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string prefix_range_end(std::string prefix) {
  // The smallest key greater than every key with this prefix (etcd's clientv3.GetPrefixRangeEnd).
  while (!prefix.empty()) {
    if (static_cast<unsigned char>(prefix.back()) < 0xff) {
      prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
      return prefix;
    }
    prefix.pop_back();
  }
  return std::string(1, '\0');  // whole keyspace
}

// A string member of one element of a range answer ("" when absent, as etcd omits empty
// values); anything else is the peer's garbage, named rather than thrown as a json type error.
std::string string_field(const json& kv, const char* name, const std::string& peer) {
  if (!kv.is_object()) throw RegistryError("etcd " + peer + ": range answer element is not an object: " + kv.dump());
  auto it = kv.find(name);
  if (it == kv.end()) return "";
  if (!it->is_string()) {
    throw RegistryError("etcd " + peer + ": range answer field \"" + name + "\" is not a string: " + it->dump());
  }
  return it->get<std::string>();
}

}  // namespace

EtcdClient::EtcdClient(http::Endpoint endpoint, std::chrono::milliseconds timeout)
    : endpoint_(std::move(endpoint)), timeout_(timeout) {}

http::Response EtcdClient::send(const http::Request& req) {
  try {
    return http::send(endpoint_, req, timeout_);
  } catch (const http::TransportError& e) {
    throw RegistryError(std::string("etcd ") + e.what());
  }
}

json EtcdClient::post(const std::string& target, const json& body) {
  http::Request req;
  req.method = "POST";
  req.target = target;
  req.body = body.dump();
  req.content_type = "application/json";
  const http::Response r = send(req);
  if (r.status != 200) {
    throw RegistryError("etcd " + endpoint_.describe() + " " + target + ": HTTP " + std::to_string(r.status) +
                        " (" + trimmed(r.body) + ")");
  }
  json j = json::parse(r.body, nullptr, false);
  if (!j.is_object()) {
    throw RegistryError("etcd " + endpoint_.describe() + " " + target + ": response is not a JSON object: " +
                        trimmed(r.body).substr(0, 200));
  }
  // A streaming RPC (keepalive) wraps its message in {"result": ...} or {"error": ...}.
  if (auto err = j.find("error"); err != j.end()) {
    throw RegistryError("etcd " + endpoint_.describe() + " " + target + ": " + err->dump());
  }
  if (auto res = j.find("result"); res != j.end() && res->is_object()) return *res;
  return j;
}

std::string EtcdClient::version() {
  http::Request req;
  req.target = "/version";
  const http::Response r = send(req);
  if (r.status != 200) {
    throw RegistryError("etcd " + endpoint_.describe() + " /version: HTTP " + std::to_string(r.status));
  }
  json j = json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("etcdserver") || !j["etcdserver"].is_string()) {
    throw RegistryError("etcd " + endpoint_.describe() + " /version: not an etcd server: " + trimmed(r.body));
  }
  return j["etcdserver"].get<std::string>();
}

void EtcdClient::put(const std::string& key, const std::string& value, std::int64_t lease) {
  json body = {{"key", base64_encode(key)}, {"value", base64_encode(value)}};
  if (lease != 0) body["lease"] = std::to_string(lease);
  post("/v3/kv/put", body);
}

std::int64_t EtcdClient::remove(const std::string& key) {
  return int64_field(post("/v3/kv/deleterange", {{"key", base64_encode(key)}}), "deleted");
}

std::optional<std::string> EtcdClient::get(const std::string& key) {
  json r = post("/v3/kv/range", {{"key", base64_encode(key)}});
  auto kvs = r.find("kvs");
  if (kvs == r.end() || !kvs->is_array() || kvs->empty()) return std::nullopt;
  auto value = base64_decode(string_field((*kvs)[0], "value", endpoint_.describe()));
  if (!value) throw RegistryError("etcd " + endpoint_.describe() + ": bad base64 value for key " + key);
  return value;
}

std::map<std::string, std::string> EtcdClient::get_prefix(const std::string& prefix) {
  json r = post("/v3/kv/range",
                {{"key", base64_encode(prefix)}, {"range_end", base64_encode(prefix_range_end(prefix))}});
  std::map<std::string, std::string> out;
  auto kvs = r.find("kvs");
  if (kvs == r.end() || !kvs->is_array()) return out;
  for (const auto& kv : *kvs) {
    auto k = base64_decode(string_field(kv, "key", endpoint_.describe()));
    auto v = base64_decode(string_field(kv, "value", endpoint_.describe()));
    if (!k || !v) throw RegistryError("etcd " + endpoint_.describe() + ": bad base64 in range response under " + prefix);
    out[*k] = *v;
  }
  return out;
}

std::int64_t EtcdClient::grant_lease(std::int64_t ttl_seconds) {
  json r = post("/v3/lease/grant", {{"TTL", std::to_string(ttl_seconds)}});
  if (auto err = r.find("error"); err != r.end() && err->is_string() && !err->get<std::string>().empty()) {
    throw RegistryError("etcd lease grant: " + err->get<std::string>());
  }
  std::int64_t id = int64_field(r, "ID");
  if (id == 0) throw RegistryError("etcd lease grant: no lease ID in response");
  return id;
}

std::int64_t EtcdClient::keep_alive(std::int64_t lease) {
  return int64_field(post("/v3/lease/keepalive", {{"ID", std::to_string(lease)}}), "TTL");
}

void EtcdClient::revoke_lease(std::int64_t lease) {
  // etcd 3.4 serves revoke under /v3/lease/revoke (older: /v3/kv/lease/revoke).
  post("/v3/lease/revoke", {{"ID", std::to_string(lease)}});
}

}  // namespace registrator
