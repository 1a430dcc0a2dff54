// /v1/kv/<key>: GET (?raw, ?recurse, ?keys, ?separator), PUT (?flags, ?cas, ?acquire=,
// ?release= with a session), DELETE (?recurse, ?cas). Values travel base64-encoded in JSON, as
// in Consul; an entry held by a session shows it as Session.
#include "fakes/consul/endpoints/api_call.hpp"
#include "fakes/consul/endpoints/shared_shapes.hpp"

#include <charconv>
#include <initializer_list>

namespace fakes::consul {

namespace {

using fakes::http::bhttp::verb;
using nlohmann::json;

constexpr std::size_t kMaxValueSize = 512 * 1024;  // Consul's kv_max_value_size default

// Go's url.QueryEscape: unreserved bytes stay, a space is '+', the rest %XX.
std::string go_query_escape(std::string_view in) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : in) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// Consul's conflictingFlags: at most one of `flags` per request, else 400 with the query as
// Go's url.Values.Encode writes it (keys sorted), newline included.
bool conflicting_flags(ApiCall& call, std::initializer_list<const char*> flags) {
  int present = 0;
  for (const char* f : flags) present += call.target().has(f) ? 1 : 0;
  if (present < 2) return false;
  std::string encoded;
  for (const auto& [k, v] : call.target().query) {  // a multimap: sorted by key, values in order
    if (!encoded.empty()) encoded += '&';
    encoded += go_query_escape(k) + "=" + go_query_escape(v);
  }
  call.fail(Status::bad_request, "Conflicting flags: " + encoded + "\n");
  return true;
}

std::optional<std::uint64_t> uint_param(ApiCall& call, const std::string& name, const std::string& error) {
  const std::string text = call.target().get(name);
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
    call.fail(Status::bad_request, error);
    return std::nullopt;
  }
  return value;
}

void kv_get(ApiCall& call, const std::string& key) {
  Catalog* catalog = &call.catalog();
  auto recurse = call.bool_param("recurse");
  if (!recurse) return;
  const bool keys = call.target().has("keys");
  const bool raw = call.target().has("raw");
  const std::string separator = call.target().get("separator");
  // One key needs key:read (403 without it); listings drop what the token may not read.
  const Authorizer* authz = call.authorizer();
  if (!authz) return;
  if (!keys && !*recurse && !call.authorize(AclResource::key, key, AccessLevel::read)) return;
  call.serve_view([catalog, key, recurse = *recurse, keys, raw, separator, authz = *authz]() -> QueryView {
    const std::uint64_t index = catalog->index();
    // A missing key is a 404 with an empty body that still carries X-Consul-Index.
    auto not_found = [&] { return make_view(index, fakes::http::make_response(Status::not_found, "", "")); };
    const KvStore& kv = catalog->kv();
    if (keys) {
      auto list = kv.keys(key, separator);
      std::erase_if(list, [&](const std::string& k) { return !authz.allows(AclResource::key, k, AccessLevel::read); });
      if (list.empty()) return not_found();
      return make_view(index, json_ok(list));
    }
    if (recurse) {
      auto entries = kv.list(key);
      std::erase_if(entries, [&](const KvEntry* e) { return !authz.allows(AclResource::key, e->key, AccessLevel::read); });
      if (entries.empty()) return not_found();
      json out = json::array();
      for (const KvEntry* e : entries) out.push_back(kv_entry_json(*e));
      return make_view(index, json_ok(out));
    }
    const KvEntry* e = kv.get(key);
    if (!e) return not_found();
    if (raw) return make_view(index, fakes::http::make_response(Status::ok, e->value, "application/octet-stream"));
    return make_view(index, json_ok(json::array({kv_entry_json(*e)})));
  });
}

void kv_put(ApiCall& call, const std::string& key) {
  if (key.empty()) return call.fail(Status::bad_request, "Missing key name");
  if (conflicting_flags(call, {"cas", "acquire", "release"})) return;
  if (!call.authorize_write("key:write", key)) return;
  if (call.request().body().size() > kMaxValueSize)
    return call.fail(Status::payload_too_large, "Request body(" + std::to_string(call.request().body().size()) +
                                                    " bytes) too large, max size: " + std::to_string(kMaxValueSize) +
                                                    " bytes. See https://developer.hashicorp.com/consul/docs/agent/config/config-files#kv_max_value_size.");
  std::uint64_t flags = 0;
  if (call.target().has("flags")) {
    auto f = uint_param(call, "flags", "Invalid flags");
    if (!f) return;
    flags = *f;
  }
  std::optional<std::uint64_t> cas;
  if (call.target().has("cas")) {
    cas = uint_param(call, "cas", "Invalid cas value");
    if (!cas) return;
  }
  // A lock operation's failure is Consul's RPC error: 500 with its text, nothing written.
  auto answer_lock = [&call](const KvLockResult& r) {
    if (!r.error.empty()) return call.fail(Status::internal_server_error, r.error);
    call.reply(json_ok(r.ok));
  };
  if (call.target().has("acquire"))
    return answer_lock(call.catalog().kv_acquire(key, call.request().body(), flags, call.target().get("acquire")));
  if (call.target().has("release"))
    return answer_lock(call.catalog().kv_release(key, call.request().body(), flags, call.target().get("release")));
  const bool ok = call.catalog().kv().put(key, call.request().body(), flags, cas);
  call.reply(json_ok(ok));
}

void kv_delete(ApiCall& call, const std::string& key) {
  auto recurse = call.bool_param("recurse");
  if (!recurse) return;
  if (key.empty() && !*recurse) return call.fail(Status::bad_request, "Missing key name");
  // A recursive delete needs write on everything under the prefix (Consul's KeyWritePrefix).
  if (*recurse ? !call.authorize_key_write_prefix(key) : !call.authorize_write("key:write", key)) return;
  std::optional<std::uint64_t> cas;
  if (call.target().has("cas")) {
    cas = uint_param(call, "cas", "Invalid cas value");
    if (!cas) return;
  }
  call.reply(json_ok(call.catalog().kv().erase(key, *recurse, cas)));
}

}  // namespace

bool route_kv(ApiCall& call) {
  auto key = call.rest_after("/v1/kv/");
  if (!key) {
    if (call.path() != "/v1/kv") return false;
    key = std::string{};
  }
  if (!call.datacenter()) return true;  // 500 No path to datacenter
  switch (call.request().method()) {
    case verb::get:
      kv_get(call, *key);
      break;
    case verb::put:
      kv_put(call, *key);
      break;
    case verb::delete_:
      kv_delete(call, *key);
      break;
    default:
      call.require_method({verb::get, verb::put, verb::delete_});
  }
  return true;
}

}  // namespace fakes::consul
