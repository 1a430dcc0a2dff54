#include "fakes/consul/queries/query_template.hpp"

#include <functional>
#include <regex>

namespace fakes::consul {

namespace {

struct RenderScope {
  std::string full, prefix, suffix;
  std::vector<std::string> matches;
};

// One string through HIL's interpolation. `error` gets HIL's complaint (position, what).
std::optional<std::string> interpolate(const std::string& text, const RenderScope& scope, std::string& error,
                                       bool& parse_error) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 3, "$${") == 0) {
      out += "${";
      i += 3;
      continue;
    }
    if (text.compare(i, 2, "${") != 0) {
      out += text[i++];
      continue;
    }
    const std::size_t close = text.find('}', i + 2);
    if (close == std::string::npos) {
      parse_error = true;
      error = "1:" + std::to_string(i + 3) + ": expected expression end";
      return std::nullopt;
    }
    std::string expr = text.substr(i + 2, close - i - 2);
    const auto column = std::to_string(i + 3);
    auto trim = [](std::string s) {
      while (!s.empty() && s.front() == ' ') s.erase(0, 1);
      while (!s.empty() && s.back() == ' ') s.pop_back();
      return s;
    };
    expr = trim(expr);
    if (expr == "name.full") out += scope.full;
    else if (expr == "name.prefix") out += scope.prefix;
    else if (expr == "name.suffix") out += scope.suffix;
    else if (expr.starts_with("match(") && expr.ends_with(")")) {
      const std::string arg = trim(expr.substr(6, expr.size() - 7));
      if (arg.empty() || arg.find_first_not_of("0123456789") != std::string::npos || arg.size() > 9) {
        error = "1:" + column + ": match: argument 1 should be type int, got type string";
        return std::nullopt;
      }
      const std::size_t n = std::stoul(arg);
      if (n < scope.matches.size()) out += scope.matches[n];
    } else {
      const std::string var = expr.substr(0, expr.find('('));
      error = "1:" + column + ": unknown variable accessed: " + var;
      return std::nullopt;
    }
    i = close + 1;
  }
  return out;
}

// Every string of the Service part, with the path Consul's walker names it by.
void each_string(ServiceQuery& s, const std::function<void(const std::string&, std::string&)>& f) {
  f(".Service", s.service);
  f(".Near", s.near);
  if (s.failover.datacenters)
    for (std::size_t i = 0; i < s.failover.datacenters->size(); ++i)
      f(".Failover.Datacenters[" + std::to_string(i) + "]", (*s.failover.datacenters)[i]);
  if (s.tags)
    for (std::size_t i = 0; i < s.tags->size(); ++i) f(".Tags[" + std::to_string(i) + "]", (*s.tags)[i]);
  if (s.ignore_check_ids)
    for (std::size_t i = 0; i < s.ignore_check_ids->size(); ++i)
      f(".IgnoreCheckIDs[" + std::to_string(i) + "]", (*s.ignore_check_ids)[i]);
  for (auto* meta : {&s.node_meta, &s.service_meta})
    if (*meta)
      for (auto& [key, value] : **meta)
        f(std::string(meta == &s.node_meta ? ".NodeMeta[" : ".ServiceMeta[") + key + "]", value);
}

std::variant<PreparedQuery, std::string> render(const PreparedQuery& query, const std::string& name) {
  RenderScope scope{name, query.name, name.starts_with(query.name) ? name.substr(query.name.size()) : name, {}};
  if (!query.template_.regexp.empty()) {
    std::regex re;
    try {
      re = std::regex(query.template_.regexp, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      return "Bad Regexp: error parsing regexp: " + std::string(e.what()) + ": `" + query.template_.regexp + "`";
    }
    std::smatch m;
    if (std::regex_search(name, m, re))
      for (const auto& group : m) scope.matches.push_back(group.matched ? group.str() : "");
  }
  PreparedQuery out = query;
  std::string failure;
  each_string(out.service, [&](const std::string& path, std::string& value) {
    if (!failure.empty()) return;
    std::string error;
    bool parse_error = false;
    auto rendered = interpolate(value, scope, error, parse_error);
    if (!rendered) {
      failure = parse_error ? "Bad format '" + value + "' in Service" + path + ": " + error
                            : "Bad evaluation for '" + value + "' in Service" + path + ": " + error;
      return;
    }
    value = std::move(*rendered);
  });
  if (!failure.empty()) return failure;
  if (out.template_.remove_empty_tags && out.service.tags)
    std::erase_if(*out.service.tags, [](const std::string& t) { return t.empty(); });
  return out;
}

}  // namespace

std::string compile_template(const PreparedQuery& query) {
  if (query.template_.type != kNamePrefixMatch) return "Bad Template.Type '" + query.template_.type + "'";
  auto rendered = render(query, query.name);
  if (auto* error = std::get_if<std::string>(&rendered)) return *error;
  return "";
}

std::variant<PreparedQuery, std::string> render_template(const PreparedQuery& query, const std::string& name) {
  return render(query, name);
}

}  // namespace fakes::consul
