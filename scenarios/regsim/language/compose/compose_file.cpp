#include "scenarios/regsim/language/compose/compose_file.hpp"

#include "scenarios/regsim/language/compose/compose_service.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>

namespace regsim::compose {
namespace {

using Json = nlohmann::ordered_json;
using detail::Refusal;

constexpr std::size_t kMaxServices = 1000;
constexpr std::size_t kMaxContainers = 10000;

std::string shown(const Json& v) {
  const auto s = v.dump();
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

// Compose substitutes ${VAR} and $VAR from its shell in every value, and reads "$$" as "$". A
// scenario has no such shell: a substitution is refused, "$$" becomes "$".
void unescape_dollars(Json& v, const std::string& path) {
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (s.find('$') == std::string::npos) return;
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] != '$') {
        out += s[i];
      } else if (i + 1 < s.size() && s[i + 1] == '$') {
        out += '$';
        ++i;
      } else {
        throw Refusal(path, "variable substitution (\"" + s + "\") is not supported: write the value, or $$ for a $");
      }
    }
    v = out;
  } else if (v.is_object()) {
    for (auto& [k, child] : v.items()) unescape_dollars(child, path.empty() ? k : path + "." + k);
  } else if (v.is_array()) {
    for (std::size_t i = 0; i < v.size(); ++i) unescape_dollars(v[i], path + "[" + std::to_string(i) + "]");
  }
}

ComposeNetwork declared_network(const std::string& key, const Json& config, const std::string& path,
                                const std::string& project) {
  ComposeNetwork n;
  n.key = key;
  n.name = project + "_" + key;
  if (!config.is_null()) {
    if (!config.is_object()) throw Refusal(path, "expected a mapping of the network's settings, got " + shown(config));
    for (const auto& [k, v] : config.items()) {
      const auto at = path + "." + k;
      if (k == "name") {
        if (!v.is_string() || v.get<std::string>().empty()) throw Refusal(at, "expected a network name, got " + shown(v));
        n.name = v.get<std::string>();
      } else if (k == "external") {
        if (!v.is_boolean()) throw Refusal(at, "expected true or false (give the name with name:), got " + shown(v));
        n.external = v.get<bool>();
      } else if (k == "labels") {
        for (const auto& [lk, lv] : detail::list_or_dict(v, at, false)) n.labels[lk] = lv;
      } else if (k == "driver") {
        if (v != Json("bridge")) throw Refusal(at, "fake-docker has bridge networks only, got " + shown(v));
      } else {
        throw Refusal(at, "regsim does not model \"" + k + "\" on a network (supported: name, external, labels, driver: bridge)");
      }
    }
  }
  if (n.external) {
    if (!config.contains("name")) n.name = key;
    n.labels.clear();
    return n;
  }
  n.labels["com.docker.compose.network"] = key;
  n.labels["com.docker.compose.project"] = project;
  n.labels["com.docker.compose.version"] = kComposeVersion;
  return n;
}

// The order Compose v1 creates services in: its topological sort (sort_service_dicts, Tarjan's,
// visiting from the last service), which keeps the file's order where depends_on allows.
std::vector<std::string> creation_order(const Json& services) {
  std::vector<std::string> names;
  std::map<std::string, std::vector<std::string>> deps;
  for (const auto& [name, service] : services.items()) {
    names.push_back(name);
    if (service.is_object()) deps[name] = detail::service_dependencies(service, "services." + name);
  }
  for (const auto& [name, list] : deps)
    for (std::size_t i = 0; i < list.size(); ++i)
      if (!services.contains(list[i]))
        throw Refusal("services." + name + ".depends_on", "names the undefined service \"" + list[i] + "\"");
  std::vector<std::string> unmarked = names, sorted;
  std::set<std::string> visiting;
  auto visit = [&](auto&& self, const std::string n) -> void {  // a copy: `unmarked` loses it below
    if (visiting.count(n))
      throw Refusal("services." + n + ".depends_on", "a dependency cycle through \"" + n + "\"");
    auto it = std::find(unmarked.begin(), unmarked.end(), n);
    if (it == unmarked.end()) return;
    visiting.insert(n);
    for (const auto& m : names)  // m depends on n: m comes after n
      if (std::find(deps[m].begin(), deps[m].end(), n) != deps[m].end()) self(self, m);
    visiting.erase(n);
    unmarked.erase(std::find(unmarked.begin(), unmarked.end(), n));
    sorted.insert(sorted.begin(), n);
  };
  while (!unmarked.empty()) visit(visit, unmarked.back());
  return sorted;
}

ComposeProject resolve(Json root, const std::filesystem::path& file, const std::string& project) {
  if (!root.is_object()) throw Refusal("", "expected a mapping with a services: section, got " + shown(root));
  unescape_dollars(root, "");
  for (const auto& [key, v] : root.items()) {
    if (key.starts_with("x-")) continue;  // extension fields: Compose ignores them too
    if (key == "version") {
      const bool known = v.is_string() && (v.get<std::string>().starts_with("2") || v.get<std::string>().starts_with("3"));
      if (!known) throw Refusal(key, "expected \"2.x\" or \"3.x\" (a quoted string), got " + shown(v));
    } else if (key == "volumes") {
      if (!v.is_null() && !v.empty())
        throw Refusal(key + "." + (v.is_object() ? v.begin().key() : std::string("?")),
                      "fake-docker has no volumes, so regsim refuses every volume, named volumes included");
    } else if (key != "services" && key != "networks") {
      throw Refusal(key, "regsim does not model the top-level \"" + key + "\" (supported: version, services, networks)");
    }
  }
  const auto services = root.find("services");
  if (services == root.end() || !services->is_object() || services->empty())
    throw Refusal("services", "expected a mapping of at least one service");
  // Bounds: the dependency sort is quadratic and recursive in the number of services.
  if (services->size() > kMaxServices)
    throw Refusal("services", "more than " + std::to_string(kMaxServices) + " services");

  std::map<std::string, ComposeNetwork> declared;
  declared["default"] = declared_network("default", nullptr, "networks.default", project);
  if (auto nets = root.find("networks"); nets != root.end() && !nets->is_null()) {
    if (!nets->is_object()) throw Refusal("networks", "expected a mapping of networks, got " + shown(*nets));
    for (const auto& [key, config] : nets->items())
      declared[key] = declared_network(key, config, "networks." + key, project);
  }

  const auto abs = std::filesystem::absolute(file).lexically_normal();
  const detail::ProjectContext context{project, abs.parent_path().string(), abs.string(), declared};
  ComposeProject out;
  out.name = project;
  std::set<std::string> names;
  for (const auto& name : creation_order(*services)) {
    const auto& service = (*services)[name];
    const auto path = "services." + name;
    for (auto& c : detail::resolve_service(name, service, path, context)) {
      if (!names.insert(c.name).second) throw Refusal(path, "a second container named \"" + c.name + "\"");
      if (names.size() > kMaxContainers)
        throw Refusal(path, "more than " + std::to_string(kMaxContainers) + " containers in the project");
      out.containers.push_back(std::move(c));
    }
    // Compose creates the networks its services use, in the order it meets them.
    for (const auto& key : detail::service_network_keys(service, path)) {
      const auto& net = declared.at(key);
      if (std::none_of(out.networks.begin(), out.networks.end(), [&](const ComposeNetwork& n) { return n.key == key; }))
        out.networks.push_back(net);
    }
  }
  return out;
}

}  // namespace

std::string normalize_project_name(const std::string& name) {
  std::string out;
  for (char c : name) {
    const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') || l == '-' || l == '_') out += l;
  }
  return out;
}

ComposeProject resolve_compose_text(const std::string& text, const std::filesystem::path& file, const std::string& project) {
  const std::string where = file.string();
  std::string name = project;
  if (name.empty()) {
    name = normalize_project_name(std::filesystem::absolute(file).lexically_normal().parent_path().filename().string());
    if (name.empty()) throw ComposeError(where + ": its folder's name gives no project name: give a project");
  } else if (normalize_project_name(name) != name || name.find_first_not_of("-_") == std::string::npos) {
    throw ComposeError(where + ": project \"" + name + "\": Compose would call it \"" + normalize_project_name(name) +
                       "\"; write a name of lowercase letters, digits, '-' and '_'");
  }
  YamlDocument doc;
  try {
    doc = read_yaml_subset(text);
  } catch (const YamlError& e) {
    throw ComposeError(where + ":" + std::to_string(e.line()) + ": " + e.detail());
  }
  try {
    return resolve(std::move(doc.value), file, name);
  } catch (const Refusal& r) {
    const int line = doc.line_of(r.path());
    throw ComposeError(where + (line ? ":" + std::to_string(line) : std::string{}) + ": " +
                       (r.path().empty() ? std::string{} : r.path() + ": ") + r.what());
  }
}

ComposeProject load_compose_file(const std::filesystem::path& file, const std::string& project) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ComposeError(file.string() + ": cannot read the compose file");
  std::string text(kMaxYamlBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (in.bad()) throw ComposeError(file.string() + ": error while reading the compose file");
  return resolve_compose_text(text, file, project);
}

}  // namespace regsim::compose
