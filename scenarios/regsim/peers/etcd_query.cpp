#include "scenarios/regsim/peers/etcd_query.hpp"

#include "registrator/encoding/base64.hpp"

namespace regsim {
namespace {

using nlohmann::json;

json post(const fakes::http::Endpoint& etcd, const std::string& target, const json& body) {
  fakes::http::ClientResponse r;
  try {
    r = fakes::http::fetch(etcd, boost::beast::http::verb::post, target, body.dump(),
                           {{"Content-Type", "application/json"}}, std::chrono::seconds(5));
  } catch (const fakes::http::ClientError& e) {
    throw EtcdError(std::string("etcd unreachable: ") + e.what());
  }
  if (r.status != 200)
    throw EtcdError("POST " + target + " answered " + std::to_string(r.status) + ": " + r.body.substr(0, 200));
  auto doc = json::parse(r.body, nullptr, false);
  if (!doc.is_object()) throw EtcdError("POST " + target + " answered invalid JSON: " + r.body.substr(0, 200));
  return doc;
}

std::string decoded(const json& kv, const char* field) {
  const auto it = kv.find(field);
  if (it == kv.end()) return {};  // the gateway leaves out empty values
  auto bytes = it->is_string() ? registrator::base64_decode(it->get<std::string>()) : std::nullopt;
  if (!bytes) throw EtcdError(std::string("etcd answered a ") + field + " that is not base64: " + it->dump());
  return *bytes;
}

// int64 fields travel as JSON strings in the gateway's answers.
long long int64_field(const json& object, const char* field) {
  const auto it = object.find(field);
  if (it == object.end()) return 0;
  try {
    if (it->is_string()) return std::stoll(it->get<std::string>());
    if (it->is_number_integer()) return it->get<long long>();
  } catch (const std::exception&) {
  }
  throw EtcdError(std::string("etcd answered a ") + field + " that is not a number: " + it->dump());
}

}  // namespace

std::string prefix_range_end(const std::string& prefix) {
  std::string end = prefix;
  while (!end.empty()) {
    if (static_cast<unsigned char>(end.back()) < 0xff) {
      end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
      return end;
    }
    end.pop_back();
  }
  return std::string(1, '\0');  // every key
}

json fetch_etcd_keys(const fakes::http::Endpoint& etcd, const std::string& prefix) {
  const auto answer = post(etcd, "/v3/kv/range",
                           {{"key", registrator::base64_encode(prefix)},
                            {"range_end", registrator::base64_encode(prefix_range_end(prefix))}});
  json entries = json::array();
  const auto kvs = answer.find("kvs");
  if (kvs == answer.end()) return entries;
  if (!kvs->is_array()) throw EtcdError("etcd answered kvs that are not a list: " + kvs->dump().substr(0, 200));
  for (const auto& kv : *kvs) {
    if (!kv.is_object()) throw EtcdError("etcd answered a kv that is not an object: " + kv.dump().substr(0, 200));
    json entry = {{"Key", decoded(kv, "key")}};
    const auto value = decoded(kv, "value");
    const auto as_json = json::parse(value, nullptr, false);
    entry["Value"] = as_json.is_object() ? as_json : json(value);
    if (const auto lease = int64_field(kv, "lease"); lease != 0) {
      const auto ttl = post(etcd, "/v3/lease/timetolive", {{"ID", std::to_string(lease)}});
      entry["LeaseTTL"] = int64_field(ttl, "grantedTTL");
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace regsim
