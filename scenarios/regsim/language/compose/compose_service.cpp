#include "scenarios/regsim/language/compose/compose_service.hpp"

#include <algorithm>
#include <optional>
#include <set>

namespace regsim::compose::detail {
namespace {

using Json = nlohmann::ordered_json;

const char* const kSupported =
    "supported: image, command, environment, labels, ports, expose, networks (aliases), scale, deploy.replicas, "
    "container_name, depends_on, healthcheck.disable";

std::string index_path(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }
std::string key_path(const std::string& path, const std::string& key) { return path + "." + key; }

std::string shown(const Json& v) {
  const auto s = v.dump();
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

// A scalar Compose takes as text: strings, and numbers written as Python prints them.
std::string text_of(const Json& v, const std::string& path, const std::string& what) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number_float()) return v.dump();
  if (v.is_boolean())
    throw Refusal(path, what + " is the boolean " + shown(v) + " (YAML reads yes/no/true/false/on/off so): quote it");
  throw Refusal(path, "expected " + what + " as a string, got " + shown(v));
}

// Compose splits a string command as Python's shlex.split (POSIX rules).
std::vector<std::string> shell_split(const std::string& s, const std::string& path) {
  std::vector<std::string> out;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) out.push_back(std::move(word)), word.clear(), in_word = false;
    } else if (c == '\'') {
      const auto end = s.find('\'', i + 1);
      if (end == std::string::npos) throw Refusal(path, "the command has an unclosed ' quote");
      word += s.substr(i + 1, end - i - 1), i = end, in_word = true;
    } else if (c == '"') {
      std::size_t j = i + 1;
      for (; j < s.size() && s[j] != '"'; ++j) {
        if (s[j] == '\\' && j + 1 < s.size() && std::string_view("\\\"$`\n").find(s[j + 1]) != std::string_view::npos) ++j;
        word += s[j];
      }
      if (j >= s.size()) throw Refusal(path, "the command has an unclosed \" quote");
      i = j, in_word = true;
    } else if (c == '\\') {
      if (i + 1 >= s.size()) throw Refusal(path, "the command ends with a lone \\");
      word += s[++i], in_word = true;
    } else {
      word += c, in_word = true;
    }
  }
  if (in_word) out.push_back(std::move(word));
  return out;
}

std::vector<std::string> command_of(const Json& v, const std::string& path) {
  if (v.is_string()) return shell_split(v.get<std::string>(), path);
  if (!v.is_array()) throw Refusal(path, "expected a string or a list of strings, got " + shown(v));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size(); ++i) out.push_back(text_of(v[i], index_path(path, i), "an argument"));
  return out;
}

std::vector<PortPublish> ports_of(const Json& v, const std::string& path) {
  if (!v.is_array()) throw Refusal(path, "expected a list of \"[[IP:]HOSTPORT:]CONTAINERPORT[/PROTOCOL]\", got " + shown(v));
  std::vector<PortPublish> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto at = index_path(path, i);
    if (v[i].is_object()) throw Refusal(at, "the long port syntax (target:, published:) is not supported: write \"8080:80\"");
    const auto text = text_of(v[i], at, "a port");
    if (text.find('-') != std::string::npos) throw Refusal(at, "port ranges (\"" + text + "\") are not supported: one port per item");
    auto spec = parse_publish(text);
    if (!spec) throw Refusal(at, "expected \"[[IP:]HOSTPORT:]CONTAINERPORT[/tcp|udp]\", got \"" + text + "\"");
    out.push_back(*spec);
  }
  return out;
}

std::vector<std::string> expose_of(const Json& v, const std::string& path) {
  if (!v.is_array()) throw Refusal(path, "expected a list of ports like \"80\" or \"53/udp\", got " + shown(v));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto text = text_of(v[i], index_path(path, i), "a port");
    auto spec = parse_publish(text);
    if (!spec || !spec->host_port.empty() || !spec->host_ip.empty())
      throw Refusal(index_path(path, i), "expected a container port like \"80\" or \"53/udp\", got \"" + text + "\"");
    out.push_back(spec->port_key());
  }
  return out;
}

// scale, or deploy.replicas (Compose 1.29 honours both, and refuses both at once).
int replicas_of(const Json& service, const std::string& path) {
  std::optional<int> scale, replicas;
  auto count = [](const Json& v, const std::string& at) {
    if (!v.is_number_integer() || v.get<long long>() < 0 || v.get<long long>() > 100)
      throw Refusal(at, "expected a number of containers from 0 to 100, got " + shown(v));
    return static_cast<int>(v.get<long long>());
  };
  if (auto it = service.find("scale"); it != service.end()) scale = count(*it, key_path(path, "scale"));
  if (auto it = service.find("deploy"); it != service.end()) {
    const auto deploy_path = key_path(path, "deploy");
    if (!it->is_object()) throw Refusal(deploy_path, "expected a mapping, got " + shown(*it));
    for (const auto& [k, value] : it->items()) {
      if (k != "replicas") throw Refusal(key_path(deploy_path, k), "regsim does not model \"deploy." + k + "\" (only deploy.replicas)");
      replicas = count(value, key_path(deploy_path, k));
    }
  }
  if (scale && replicas) throw Refusal(path, "both scale and deploy.replicas are set (docker-compose refuses that too)");
  return scale ? *scale : replicas.value_or(1);
}

void refuse_volumes(const Json& v, const std::string& path) {
  const std::string why = "fake-docker has no volumes, so regsim refuses every volume";
  if (!v.is_array() || v.empty()) throw Refusal(path, why);
  const auto at = index_path(path, 0);
  if (!v[0].is_string()) throw Refusal(at, why + " (long syntax " + shown(v[0]) + ")");
  const auto text = v[0].get<std::string>();
  const auto colon = text.find(':');
  const auto source = text.substr(0, colon);
  if (colon != std::string::npos && (source.starts_with(".") || source.starts_with("/") || source.starts_with("~")))
    throw Refusal(at, "mounts the host path \"" + source + "\" (" + why + ")");
  throw Refusal(at, "\"" + text + "\": " + why + ", named volumes included");
}

void check_healthcheck(const Json& v, const std::string& path) {
  if (!v.is_object()) throw Refusal(path, "expected a mapping, got " + shown(v));
  if (v.contains("test"))
    throw Refusal(key_path(path, "test"), "a health check command needs a process to run it, and fake-docker runs none");
  for (const auto& [k, value] : v.items()) {
    if (k != "disable") throw Refusal(key_path(path, k), "regsim does not model \"healthcheck." + k + "\" (only disable: true)");
    if (value != Json(true)) throw Refusal(key_path(path, k), "only \"disable: true\" is supported, got " + shown(value));
  }
}

// Per network key: the aliases the file gives the service there.
std::map<std::string, std::vector<std::string>> network_aliases(const Json& v, const std::string& path) {
  std::map<std::string, std::vector<std::string>> out;
  if (v.is_array()) {
    for (std::size_t i = 0; i < v.size(); ++i) out[text_of(v[i], index_path(path, i), "a network name")];
    return out;
  }
  if (!v.is_object()) throw Refusal(path, "expected a list of network names or a mapping, got " + shown(v));
  for (const auto& [net, config] : v.items()) {
    auto& aliases = out[net];
    if (config.is_null()) continue;
    const auto net_path = key_path(path, net);
    if (!config.is_object()) throw Refusal(net_path, "expected a mapping like {aliases: [...]}, got " + shown(config));
    for (const auto& [k, value] : config.items()) {
      if (k != "aliases") throw Refusal(key_path(net_path, k), "regsim does not model \"" + k + "\" on a service's network (only aliases)");
      if (!value.is_array()) throw Refusal(key_path(net_path, k), "expected a list of names, got " + shown(value));
      for (std::size_t i = 0; i < value.size(); ++i)
        aliases.push_back(text_of(value[i], index_path(key_path(net_path, k), i), "an alias"));
    }
  }
  return out;
}

}  // namespace

// A key without a value takes its value from the shell docker-compose runs in, which a scenario
// does not have.
std::vector<std::pair<std::string, std::string>> list_or_dict(const Json& v, const std::string& path, bool value_required) {
  std::vector<std::pair<std::string, std::string>> out;
  const std::string from_shell = "has no value (docker-compose would take it from its own environment): give it one";
  if (v.is_object()) {
    for (const auto& [k, value] : v.items()) {
      if (value.is_null()) {
        if (value_required) throw Refusal(key_path(path, k), from_shell);
        out.emplace_back(k, "");
        continue;
      }
      out.emplace_back(k, text_of(value, key_path(path, k), "the value"));
    }
  } else if (v.is_array()) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      const auto item = text_of(v[i], index_path(path, i), "\"KEY=VALUE\"");
      const auto eq = item.find('=');
      if (eq == 0) throw Refusal(index_path(path, i), "expected \"KEY=VALUE\", got \"" + item + "\"");
      if (eq == std::string::npos) {
        if (value_required) throw Refusal(index_path(path, i), "\"" + item + "\" " + from_shell);
        out.emplace_back(item, "");
        continue;
      }
      out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
    }
  } else {
    throw Refusal(path, "expected a mapping {KEY: VALUE} or a list [\"KEY=VALUE\"], got " + shown(v));
  }
  return out;
}

std::vector<std::string> service_dependencies(const Json& service, const std::string& path) {
  auto it = service.find("depends_on");
  if (it == service.end()) return {};
  const auto at = key_path(path, "depends_on");
  std::vector<std::string> out;
  if (it->is_array()) {
    for (std::size_t i = 0; i < it->size(); ++i) out.push_back(text_of((*it)[i], index_path(at, i), "a service name"));
    return out;
  }
  if (!it->is_object()) throw Refusal(at, "expected a list of services, got " + shown(*it));
  for (const auto& [name, config] : it->items()) {
    const auto condition_path = key_path(key_path(at, name), "condition");
    const bool started = config.is_object() && config.size() == 1 && config.contains("condition") &&
                         config["condition"] == Json("service_started");
    if (!started)
      throw Refusal(config.is_object() && config.contains("condition") ? condition_path : key_path(at, name),
                    "only {condition: service_started} is modelled (no process in a fake container becomes healthy "
                    "or exits by itself), got " + shown(config));
    out.push_back(name);
  }
  return out;
}

std::vector<std::string> service_network_keys(const Json& service, const std::string& path) {
  auto it = service.find("networks");
  if (it == service.end()) return {"default"};
  const auto at = key_path(path, "networks");
  (void)network_aliases(*it, at);  // the shape, checked once
  std::vector<std::string> keys;
  if (it->is_array()) {
    for (std::size_t i = 0; i < it->size(); ++i) keys.push_back(text_of((*it)[i], index_path(at, i), "a network name"));
  } else {
    for (const auto& [key, _] : it->items()) keys.push_back(key);
  }
  return keys;
}

std::vector<ComposeContainer> resolve_service(const std::string& name, const Json& service, const std::string& path,
                                              const ProjectContext& project) {
  if (!service.is_object()) throw Refusal(path, "expected a mapping of the service's settings, got " + shown(service));
  static const std::set<std::string> known = {"image", "command", "environment", "labels", "ports", "expose", "networks",
                                              "scale", "deploy", "container_name", "healthcheck", "depends_on"};
  for (const auto& [key, value] : service.items()) {
    const auto at = key_path(path, key);
    if (key == "build") throw Refusal(at, "fake-docker has no image builder: give the service an image instead");
    if (key == "volumes") refuse_volumes(value, at);
    if (!known.count(key)) throw Refusal(at, "regsim does not model \"" + key + "\" (" + kSupported + ")");
  }
  ComposeContainer base;
  base.service = name;
  auto image = service.find("image");
  if (image == service.end() || !image->is_string() || image->get<std::string>().empty())
    throw Refusal(path, "the service has no image (a string)");
  base.image = image->get<std::string>();
  if (auto it = service.find("command"); it != service.end() && !it->is_null())
    base.command = command_of(*it, key_path(path, "command"));
  if (auto it = service.find("environment"); it != service.end())
    for (const auto& [k, v] : list_or_dict(*it, key_path(path, "environment"), true)) base.env.push_back(k + "=" + v);
  if (auto it = service.find("labels"); it != service.end())
    for (const auto& [k, v] : list_or_dict(*it, key_path(path, "labels"), false)) base.labels[k] = v;
  if (auto it = service.find("ports"); it != service.end()) base.publish = ports_of(*it, key_path(path, "ports"));
  if (auto it = service.find("expose"); it != service.end()) base.expose = expose_of(*it, key_path(path, "expose"));
  if (auto it = service.find("healthcheck"); it != service.end()) check_healthcheck(*it, key_path(path, "healthcheck"));

  // Networks: each must be declared; the container is created on the first by engine name
  // (Compose sorts them so when no priority is given) and connected to the others.
  std::map<std::string, std::vector<std::string>> aliases;
  if (auto it = service.find("networks"); it != service.end()) aliases = network_aliases(*it, key_path(path, "networks"));
  else aliases["default"];
  for (const auto& [key, extra] : aliases) {
    auto net = project.networks.find(key);
    if (net == project.networks.end())
      throw Refusal(key_path(path, "networks"), "uses the undeclared network \"" + key + "\" (declare it under the top-level networks:)");
    ComposeEndpoint endpoint{net->second.name, {name}};
    for (const auto& a : extra)
      if (std::find(endpoint.aliases.begin(), endpoint.aliases.end(), a) == endpoint.aliases.end()) endpoint.aliases.push_back(a);
    base.networks.push_back(std::move(endpoint));
  }
  std::sort(base.networks.begin(), base.networks.end(),
            [](const ComposeEndpoint& a, const ComposeEndpoint& b) { return a.network < b.network; });

  base.labels["com.docker.compose.project"] = project.project;
  base.labels["com.docker.compose.service"] = name;
  base.labels["com.docker.compose.oneoff"] = "False";
  base.labels["com.docker.compose.project.working_dir"] = project.working_dir;
  base.labels["com.docker.compose.project.config_files"] = project.config_file;
  base.labels["com.docker.compose.version"] = kComposeVersion;

  const int count = replicas_of(service, path);
  std::optional<std::string> custom_name;
  if (auto it = service.find("container_name"); it != service.end()) {
    custom_name = text_of(*it, key_path(path, "container_name"), "a container name");
    if (count > 1) throw Refusal(key_path(path, "container_name"), "a service with a container_name cannot have more than one container");
  }
  std::vector<ComposeContainer> out;
  for (int n = 1; n <= count; ++n) {
    ComposeContainer c = base;
    c.number = n;
    // Compose's rule: the project (leading '-' and '_' dropped), the service, the number.
    auto prefix = project.project;
    prefix.erase(0, prefix.find_first_not_of("-_"));
    c.name = custom_name ? *custom_name : prefix + "_" + name + "_" + std::to_string(n);
    c.labels["com.docker.compose.container-number"] = std::to_string(n);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace regsim::compose::detail
