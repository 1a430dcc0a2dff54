#include "registrator/backends/consul.hpp"

#include <algorithm>
#include <cctype>

#include "registrator/app/log.hpp"
#include "registrator/backends/join_host_port.hpp"

namespace registrator {
namespace {

using ojson = nlohmann::ordered_json;

std::string attr(const Service& s, const char* key) {
  auto it = s.attrs.find(key);
  return it == s.attrs.end() ? std::string() : it->second;
}

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) {
    s.replace(p, from.size(), to);
  }
  return s;
}

// Go's strconv.ParseBool spellings of true: what an operator used to Go tooling writes.
bool parses_as_true(const std::string& v) {
  return v == "1" || v == "t" || v == "T" || v == "true" || v == "TRUE" || v == "True";
}

}  // namespace

std::optional<ojson> build_consul_check(const Service& s) {
  struct Check {
    std::vector<std::string> args;
    std::string interval, timeout, ttl, http, method, tcp, status, grpc, deregister_after;
    bool tls_skip_verify = false, grpc_use_tls = false;
  } c;
  // Upstream concatenates ip + ":" + port, which for IPv6 is an address no agent can parse;
  // brackets make it a host:port and a URL authority (identical for IPv4).
  const std::string addr = join_host_port(s.ip, s.port);
  if (std::string st = attr(s, "check_initial_status"); !st.empty()) c.status = st;
  if (std::string path = attr(s, "check_http"); !path.empty()) {
    c.http = "http://" + addr + path;
    c.timeout = attr(s, "check_timeout");
    c.method = attr(s, "check_http_method");
  } else if (std::string spath = attr(s, "check_https"); !spath.empty()) {
    c.http = "https://" + addr + spath;
    c.timeout = attr(s, "check_timeout");
    c.method = attr(s, "check_https_method");
  } else if (std::string cmd = attr(s, "check_cmd"); !cmd.empty()) {
    c.args = {"check-cmd", s.origin.container_id.substr(0, 12), s.origin.exposed_port, cmd};
  } else if (std::string script = attr(s, "check_script"); !script.empty()) {
    script = replace_all(script, "$SERVICE_IP", s.ip);
    script = replace_all(script, "$SERVICE_PORT", std::to_string(s.port));
    c.args = {script};
  } else if (std::string ttl = attr(s, "check_ttl"); !ttl.empty()) {
    c.ttl = ttl;
  } else if (!attr(s, "check_tcp").empty()) {
    c.tcp = addr;
    c.timeout = attr(s, "check_timeout");
  } else if (!attr(s, "check_grpc").empty()) {
    c.grpc = addr;
    c.timeout = attr(s, "check_timeout");
    if (!attr(s, "check_grpc_use_tls").empty()) {
      c.grpc_use_tls = true;
      if (!attr(s, "check_tls_skip_verify").empty()) c.tls_skip_verify = true;
    }
  } else {
    return std::nullopt;
  }
  if (!c.args.empty() || !c.http.empty() || !c.tcp.empty() || !c.grpc.empty()) {
    std::string interval = attr(s, "check_interval");
    c.interval = interval.empty() ? "10s" : interval;
  }
  c.deregister_after = attr(s, "check_deregister_after");

  // Field order and omitempty as in consul api.AgentServiceCheck.
  ojson j = ojson::object();
  if (!c.args.empty()) j["ScriptArgs"] = c.args;
  if (!c.interval.empty()) j["Interval"] = c.interval;
  if (!c.timeout.empty()) j["Timeout"] = c.timeout;
  if (!c.ttl.empty()) j["TTL"] = c.ttl;
  if (!c.http.empty()) j["HTTP"] = c.http;
  if (!c.method.empty()) j["Method"] = c.method;
  if (!c.tcp.empty()) j["TCP"] = c.tcp;
  if (!c.status.empty()) j["Status"] = c.status;
  if (c.tls_skip_verify) j["TLSSkipVerify"] = true;
  if (!c.grpc.empty()) j["GRPC"] = c.grpc;
  if (c.grpc_use_tls) j["GRPCUseTLS"] = true;
  if (!c.deregister_after.empty()) j["DeregisterCriticalServiceAfter"] = c.deregister_after;
  return j;
}

ojson build_consul_registration(const Service& s) {
  // Field order and omitempty as in consul api.AgentServiceRegistration.
  ojson j = ojson::object();
  if (!s.id.empty()) j["ID"] = s.id;
  if (!s.name.empty()) j["Name"] = s.name;
  if (!s.tags.empty()) j["Tags"] = s.tags;
  if (s.port != 0) j["Port"] = s.port;
  if (!s.ip.empty()) j["Address"] = s.ip;
  // Beyond upstream: SERVICE_ENABLE_TAG_OVERRIDE (and SERVICE_<port>_ENABLE_TAG_OVERRIDE) lets
  // Consul's anti-entropy keep tags that other tools changed. The key stays in Meta as well,
  // which is what upstream (which ignores it) would send.
  if (parses_as_true(attr(s, "enable_tag_override"))) j["EnableTagOverride"] = true;
  if (auto kept = consul_meta(s.attrs).kept; !kept.empty()) {
    ojson meta = ojson::object();
    for (const auto& [k, v] : kept) meta[k] = v;
    j["Meta"] = meta;
  }
  auto check = build_consul_check(s);
  j["Check"] = check ? *check : ojson(nullptr);
  j["Checks"] = nullptr;
  return j;
}

namespace {
// Why Consul's ValidateServiceMetadata refuses this one pair; empty when it accepts it.
std::string meta_pair_problem(const std::string& key, const std::string& value) {
  constexpr std::size_t kMaxKey = 128, kMaxValue = 512;
  const bool chars_ok = std::all_of(key.begin(), key.end(), [](unsigned char c) {
    return (c < 0x80 && std::isalnum(c)) || c == '_' || c == '-';
  });
  if (key.empty()) return "an empty Meta key";
  if (!chars_ok) return "Meta key \"" + key + "\" has characters outside [A-Za-z0-9_-]";
  if (key.size() > kMaxKey) return "Meta key \"" + key.substr(0, 32) + "...\" is longer than 128 characters";
  if (key.rfind("consul-", 0) == 0) return "Meta key \"" + key + "\" uses the reserved prefix consul-";
  if (value.size() > kMaxValue) return "Meta value of \"" + key + "\" is longer than 512 characters";
  return {};
}
}  // namespace

ConsulMeta consul_meta(const std::map<std::string, std::string>& attrs) {
  constexpr std::size_t kMaxPairs = 64;
  ConsulMeta out;
  for (const auto& [key, value] : attrs) {
    if (std::string why = meta_pair_problem(key, value); !why.empty()) {
      out.dropped.push_back(std::move(why));
    } else if (out.kept.size() == kMaxPairs) {
      out.dropped.push_back("Meta key \"" + key + "\" is beyond Consul's 64 pairs");
    } else {
      out.kept.emplace(key, value);
    }
  }
  return out;
}

ConsulBackend::ConsulBackend(http::Endpoint endpoint, std::string token, std::chrono::milliseconds timeout)
    : endpoint_(std::move(endpoint)), token_(std::move(token)), timeout_(timeout), client_(endpoint_) {}

http::Request ConsulBackend::request(const std::string& method, const std::string& target, std::string body) const {
  http::Request req;
  req.method = method;
  req.target = target;
  req.body = std::move(body);
  if (!req.body.empty()) req.content_type = "application/json";
  if (!token_.empty()) req.headers.emplace_back("X-Consul-Token", token_);
  return req;
}

http::Response ConsulBackend::call(const std::string& method, const std::string& target, std::string body) {
  http::Response r;
  try {
    r = client_.send(request(method, target, std::move(body)), timeout_);
  } catch (const http::TransportError& e) {
    throw RegistryError(std::string("consul ") + e.what());
  }
  return checked(std::move(r));
}

http::Response ConsulBackend::checked(http::Response r) const {
  if (r.status != 200) {
    std::string msg = r.body;
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == '\r')) msg.pop_back();
    throw RegistryError("consul " + endpoint_.describe() + ": Unexpected response code: " +
                        std::to_string(r.status) + " (" + msg + ")",
                        static_cast<int>(r.status));
  }
  return r;
}

void ConsulBackend::ping() {
  auto r = call("GET", "/v1/status/leader");
  std::string leader = r.body;
  try {
    auto j = nlohmann::json::parse(r.body);
    if (j.is_string()) leader = j.get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    throw RegistryError("consul " + endpoint_.describe() + ": bad leader response: " + e.what());
  }
  log::write(log::Level::info, "consul: current leader  " + leader, {{"backend", "consul"}, {"leader", leader}});
}

std::string ConsulBackend::registration_body(const Service& service) const {
  // The agent would refuse the whole registration for one bad key: register without it and tell
  // the operator which container's SERVICE_* env var or label to fix.
  for (const auto& problem : consul_meta(service.attrs).dropped) {
    log::write(log::Level::warn,
               "consul: " + service.id + " (container " + service.origin.container_name + "): " + problem +
                   " (from SERVICE_* metadata): not sent, Consul rejects it",
               {{"backend", "consul"}, {"service_id", service.id}, {"detail", problem}});
  }
  return build_consul_registration(service).dump();
}

void ConsulBackend::register_service(const Service& service) {
  call("PUT", "/v1/agent/service/register", registration_body(service));
}

std::vector<std::exception_ptr> ConsulBackend::register_many(const std::vector<const Service*>& services) {
  std::vector<http::Request> requests;
  requests.reserve(services.size());
  for (const Service* s : services) requests.push_back(request("PUT", "/v1/agent/service/register", registration_body(*s)));
  auto answers = client_.send_pipelined(requests, timeout_);
  std::vector<std::exception_ptr> out(services.size());
  for (std::size_t i = 0; i < services.size(); ++i) {
    try {
      if (answers[i].answered()) {
        checked(std::move(*answers[i].response));
      } else if (answers[i].failed()) {
        throw RegistryError("consul " + answers[i].error);  // as call() reports it
      } else {
        call("PUT", "/v1/agent/service/register", std::move(requests[i].body));
      }
    } catch (...) {
      out[i] = std::current_exception();
    }
  }
  return out;
}

void ConsulBackend::deregister(const Service& service) {
  call("PUT", "/v1/agent/service/deregister/" + http::escape_path_segment(service.id));
}

void ConsulBackend::refresh(const Service&) {}

std::vector<Service> ConsulBackend::services() {
  auto r = call("GET", "/v1/agent/services");
  std::vector<Service> out;
  nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  if (!j.is_object()) throw RegistryError("consul " + endpoint_.describe() + ": bad /v1/agent/services response");
  for (const auto& [key, v] : j.items()) {
    if (!v.is_object()) continue;
    Service s;
    s.id = v.value("ID", key);
    if (auto it = v.find("Service"); it != v.end() && it->is_string()) s.name = it->get<std::string>();
    if (auto it = v.find("Port"); it != v.end() && it->is_number_integer()) s.port = it->get<int>();
    if (auto it = v.find("Address"); it != v.end() && it->is_string()) s.ip = it->get<std::string>();
    if (auto it = v.find("Tags"); it != v.end() && it->is_array()) {
      for (const auto& t : *it)
        if (t.is_string()) s.tags.push_back(t.get<std::string>());
    }
    if (auto it = v.find("Meta"); it != v.end() && it->is_object()) {
      for (const auto& [mk, mv] : it->items())
        if (mv.is_string()) s.attrs[mk] = mv.get<std::string>();
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace registrator
