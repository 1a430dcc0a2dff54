#include "registrator/mapping/service_builder.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <tuple>

#include "registrator/app/log.hpp"
#include "registrator/mapping/tags_template.hpp"

namespace registrator {
namespace {

using json = nlohmann::json;

const json& null_json() {
  static const json n;
  return n;
}

// j[key] if j is an object holding key, else null.
const json& at(const json& j, const char* key) {
  if (!j.is_object()) return null_json();
  auto it = j.find(key);
  return it == j.end() ? null_json() : *it;
}

std::string str(const json& j, const char* key) {
  const json& v = at(j, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

// Go strconv.Atoi: 0 on failure (upstream ignores the error).
int go_atoi(std::string_view s) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return 0;
  return v;
}

// Whether Go's strconv.Atoi accepts s.
bool go_atoi_ok(std::string_view s) {
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  if (s.empty()) return false;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}

std::string to_lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::string map_default(const std::map<std::string, std::string>& m, const std::string& key,
                        const std::string& def) {
  auto it = m.find(key);
  return it == m.end() || it->second.empty() ? def : it->second;
}

bool is_ipv6(const std::string& ip) { return ip.find(':') != std::string::npos; }

struct PortInfo {
  std::string key;  // "80/tcp"
  ServiceOrigin origin;
};

// upstream util.go servicePort()
PortInfo service_port(const json& container, const std::string& key, const json& published) {
  ServiceOrigin o;
  const json* binding = nullptr;
  if (published.is_array() && !published.empty()) {
    binding = &published[0];
    for (const auto& b : published) {
      if (!is_ipv6(str(b, "HostIp"))) {
        binding = &b;
        break;
      }
    }
  }
  if (binding) {
    o.host_port = str(*binding, "HostPort");
    o.host_ip = str(*binding, "HostIp");
  }
  if (o.host_ip.empty()) o.host_ip = "0.0.0.0";

  const json& settings = at(container, "NetworkSettings");
  std::string nm = str(at(container, "HostConfig"), "NetworkMode");
  if (!nm.empty() && nm != "bridge" && nm != "default" && nm != "host") {
    // Overlay / user-defined network: the container's address on that network (upstream).
    const json& net = at(at(settings, "Networks"), nm.c_str());
    o.host_ip = str(net, "IPAddress");
    if (o.host_ip.empty()) o.host_ip = str(net, "GlobalIPv6Address");
  }

  auto slash = key.find('/');
  o.exposed_port = key.substr(0, slash);
  o.port_type = "tcp";
  if (slash != std::string::npos && key.find('/', slash + 1) == std::string::npos) {
    o.port_type = key.substr(slash + 1);
  }
  o.exposed_ip = container_ip(container);
  o.container_id = str(container, "Id");
  std::string name = str(container, "Name");
  o.container_name = !name.empty() && name[0] == '/' ? name.substr(1) : name;
  o.container_hostname = str(at(container, "Config"), "Hostname");
  return {key, o};
}

}  // namespace

std::string container_ip(const json& container) {
  const json& settings = at(container, "NetworkSettings");
  const json& networks = at(settings, "Networks");
  const std::string nm = str(at(container, "HostConfig"), "NetworkMode");
  // One order of networks for both families: the top-level field (API < 1.52), the network
  // named by NetworkMode, "bridge", then every network by name. IPv4 anywhere wins over IPv6, so
  // dual-stack containers keep the address they had; an IPv6-only container gets its global one.
  auto first_of = [&](const char* field) -> std::string {
    if (std::string ip = str(settings, field); !ip.empty()) return ip;
    if (!networks.is_object()) return {};
    auto ip_of = [&](const std::string& name) { return str(at(networks, name.c_str()), field); };
    if (!nm.empty()) {
      if (std::string ip = ip_of(nm); !ip.empty()) return ip;
    }
    if (std::string ip = ip_of("bridge"); !ip.empty()) return ip;
    for (const auto& [name, net] : networks.items()) {  // nlohmann objects iterate in key order
      if (std::string ip = str(net, field); !ip.empty()) return ip;
    }
    return {};
  };
  if (std::string ip = first_of("IPAddress"); !ip.empty()) return ip;
  return first_of("GlobalIPv6Address");
}

std::string default_service_name(std::string_view image) {
  // Go path.Base, then strings.Split(..., ":")[0]
  std::string_view base = image;
  while (base.size() > 1 && base.back() == '/') base.remove_suffix(1);
  if (base.empty()) {
    base = ".";
  } else if (base != "/") {
    if (auto p = base.rfind('/'); p != std::string_view::npos) base = base.substr(p + 1);
  }
  return std::string(base.substr(0, base.find(':')));
}

std::vector<std::string> split_escaped_commas(std::string_view in) {
  // Same scanning as upstream recParseEscapedComma, emitting items in written order.
  std::vector<std::string> out;
  std::string str(in);
  while (true) {
    std::size_t lead = str.find_first_not_of(',');
    if (lead == std::string::npos) break;
    str.erase(0, lead);
    std::size_t offset = 0;
    bool split = false;
    while (offset < str.size()) {
      std::size_t idx = str.find(',', offset);
      if (idx == std::string::npos) break;
      if (str[idx - 1] != '\\') {
        out.push_back(str.substr(0, idx));
        str.erase(0, idx + 1);
        split = true;
        break;
      }
      str.erase(idx - 1, 1);  // drop the backslash; the comma is literal
      offset = idx;
    }
    if (!split) {
      out.push_back(str);
      break;
    }
  }
  return out;
}

std::vector<std::string> combine_tags(const std::vector<std::string>& parts) {
  std::vector<std::string> tags;
  for (const auto& p : parts) {
    auto items = split_escaped_commas(p);
    tags.insert(tags.end(), items.begin(), items.end());
  }
  return tags;
}

Metadata service_metadata(const json& config, std::string_view port) {
  std::vector<std::string> meta;
  if (const json& env = at(config, "Env"); env.is_array()) {
    for (const auto& e : env)
      if (e.is_string()) meta.push_back(e.get<std::string>());
  }
  if (const json& labels = at(config, "Labels"); labels.is_object()) {
    for (const auto& [k, v] : labels.items())
      if (v.is_string()) meta.push_back(k + "=" + v.get<std::string>());
  }
  Metadata md;
  for (const auto& kv : meta) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) continue;
    std::string k = kv.substr(0, eq);
    if (k.rfind("SERVICE_", 0) != 0) continue;
    std::string value = kv.substr(eq + 1);
    std::string key = to_lower(k.substr(8));
    if (md.from_port[key]) continue;
    auto us = key.find('_');
    if (us != std::string::npos && go_atoi_ok(std::string_view(key).substr(0, us))) {
      if (key.substr(0, us) != port) continue;
      std::string sub = key.substr(us + 1);
      md.values[sub] = value;
      md.from_port[sub] = true;
    } else {
      md.values[key] = value;
    }
  }
  // from_port may have gained false entries via operator[]; drop them.
  std::erase_if(md.from_port, [](const auto& p) { return !p.second; });
  return md;
}

BuildResult build_services(const json& container, const BuildContext& ctx) {
  BuildResult result;
  const Config& cfg = ctx.config;
  const std::string id = str(container, "Id");
  const std::string short_id = log::id12(id);
  const json& config = at(container, "Config");

  // Ports: Config.ExposedPorts as published on the same port (--net=host), then the
  // runtime mapping from NetworkSettings.Ports (null = exposed, not published).
  std::map<std::string, PortInfo> ports;
  if (const json& exposed = at(config, "ExposedPorts"); exposed.is_object()) {
    for (const auto& [key, _] : exposed.items()) {
      json published = json::array({{{"HostIp", "0.0.0.0"}, {"HostPort", key.substr(0, key.find('/'))}}});
      ports[key] = service_port(container, key, published);
    }
  }
  if (const json& runtime = at(at(container, "NetworkSettings"), "Ports"); runtime.is_object()) {
    for (const auto& [key, published] : runtime.items()) ports[key] = service_port(container, key, published);
  }
  if (ports.empty()) {
    result.notes.push_back("ignored: " + short_id + " no published ports");
    return result;
  }

  // -tags is a Go template over the container (upstream renders it once per port, same result).
  // Upstream log.Fatal's on an execution error; we note it and register without the -tags tags.
  std::string forced_tags;
  if (!cfg.force_tags.empty()) {
    try {
      forced_tags = TagsTemplate::parse(cfg.force_tags).render(container);
    } catch (const TemplateError& e) {
      result.notes.push_back(cfg.force_tags + " template execution failed for " + short_id + " with error: " + e.what());
    }
  }

  std::vector<PortInfo> service_ports;
  for (auto& [key, p] : ports) {
    if (!cfg.internal && p.origin.host_port.empty()) {
      result.notes.push_back("ignored: " + short_id + " port " + p.origin.exposed_port + " not published on host");
      continue;
    }
    service_ports.push_back(p);
  }
  std::sort(service_ports.begin(), service_ports.end(), [](const PortInfo& a, const PortInfo& b) {
    return std::tuple(go_atoi(a.origin.exposed_port), a.origin.port_type, a.key) <
           std::tuple(go_atoi(b.origin.exposed_port), b.origin.port_type, b.key);
  });

  const bool is_group = service_ports.size() > 1;
  const std::string default_name = default_service_name(str(config, "Image"));
  for (const PortInfo& pi : service_ports) {
    ServiceOrigin port = pi.origin;
    std::string hostname = ctx.hostname.empty() ? port.host_ip : ctx.hostname;
    // "::" is the unspecified address of a binding published on IPv6 only.
    if ((port.host_ip == "0.0.0.0" || port.host_ip == "::") && cfg.host_ip.empty() && ctx.resolve_host) {
      if (auto ip = ctx.resolve_host(hostname); ip && !ip->empty()) port.host_ip = *ip;
    }
    if (!cfg.host_ip.empty()) port.host_ip = cfg.host_ip;

    Metadata md = service_metadata(config, port.exposed_port);
    if (!map_default(md.values, "ignore", "").empty()) {
      result.notes.push_back("ignored: " + short_id + " service on port " + port.exposed_port);
      continue;
    }
    std::string explicit_name = map_default(md.values, "name", "");
    std::string name = explicit_name;
    if (name.empty()) {
      if (cfg.explicit_only) {
        result.notes.push_back("ignored: " + short_id + " service on port " + port.exposed_port);
        continue;
      }
      name = default_name;
    }

    Service s;
    s.origin = port;
    s.id = hostname + ":" + port.container_name + ":" + port.exposed_port;
    s.name = name;
    const bool named_for_port = md.from_port.count("name") > 0;
    const bool v6_keep = cfg.v6_naming && !explicit_name.empty();
    if (is_group && !named_for_port && !v6_keep) s.name += "-" + port.exposed_port;

    if (cfg.internal) {
      s.ip = port.exposed_ip;
      s.port = go_atoi(port.exposed_port);
    } else {
      s.ip = port.host_ip;
      s.port = go_atoi(port.host_port);
    }

    if (!cfg.use_ip_from_label.empty()) {
      std::string label_ip = str(at(config, "Labels"), cfg.use_ip_from_label.c_str());
      if (!label_ip.empty()) {
        auto slash = label_ip.rfind('/');
        s.ip = slash == std::string::npos ? label_ip : label_ip.substr(0, slash);
        result.notes.push_back("using container IP " + s.ip + " from label '" + cfg.use_ip_from_label + "'");
      } else {
        result.notes.push_back("Label '" + cfg.use_ip_from_label + "' not found in container configuration");
      }
    }

    // NetworkMode can point to another container (e.g. Kubernetes pods).
    std::string nm = str(at(container, "HostConfig"), "NetworkMode");
    if (nm.rfind("container:", 0) == 0) {
      std::string peer = nm.substr(10);
      peer = peer.substr(0, peer.find(':'));
      result.notes.push_back(s.name + ": detected container NetworkMode, linked to: " + log::id12(peer));
      std::optional<json> peer_json;
      if (ctx.inspect_container) peer_json = ctx.inspect_container(peer);
      if (!peer_json) {
        result.notes.push_back("unable to inspect network container: " + log::id12(peer));
      } else {
        s.ip = container_ip(*peer_json);
        result.notes.push_back(s.name + ": using network container IP " + s.ip);
      }
    }

    std::vector<std::string> tag_parts = {map_default(md.values, "tags", ""), forced_tags};
    if (port.port_type == "udp") {
      tag_parts.push_back("udp");
      s.id += ":udp";
    }
    s.tags = combine_tags(tag_parts);

    if (std::string sid = map_default(md.values, "id", ""); !sid.empty()) s.id = sid;
    md.values.erase("id");
    md.values.erase("tags");
    md.values.erase("name");
    s.attrs = std::move(md.values);
    s.ttl = cfg.ttl;
    result.services.push_back(std::move(s));
  }
  return result;
}

}  // namespace registrator
