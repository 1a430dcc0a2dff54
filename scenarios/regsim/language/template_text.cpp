#include "scenarios/regsim/language/template_text.hpp"

#include <sstream>
#include <tuple>

namespace regsim {
namespace {

std::vector<std::string> split_words(std::string_view inner) {
  std::istringstream in{std::string(inner)};
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

// "host1/web5" -> {host1, web5}; throws when the shape is wrong.
std::pair<std::string, std::string> split_container(const std::string& arg, const std::string& text) {
  const auto slash = arg.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == arg.size() ||
      arg.find('/', slash + 1) != std::string::npos)
    throw TemplateError(text + ": expected HOST/CONTAINER, got \"" + arg + "\"");
  return {arg.substr(0, slash), arg.substr(slash + 1)};
}

TemplateRef parse_reference(std::string_view inner, const std::string& text) {
  const auto words = split_words(inner);
  if (words.empty()) throw TemplateError(text + ": empty reference");
  TemplateRef ref;
  ref.function = words[0];
  ref.text = text;
  auto expect_args = [&](std::size_t n, const char* shape) {
    if (words.size() != n + 1)
      throw TemplateError(text + ": expected {{" + ref.function + (n ? " " : "") + shape + "}}");
  };
  if (ref.function == "ip" || ref.function == "id") {
    expect_args(1, "HOST/CONTAINER");
    std::tie(ref.host, ref.container) = split_container(words[1], text);
  } else if (ref.function == "host_port") {
    expect_args(2, "HOST/CONTAINER PORT[/PROTO]");
    std::tie(ref.host, ref.container) = split_container(words[1], text);
    ref.port = words[2];
    if (ref.port.find('/') == std::string::npos) ref.port += "/tcp";
  } else if (ref.function == "hostname" || ref.function == "host_ip") {
    expect_args(1, "HOST");
    ref.host = words[1];
  } else if (ref.function == "node" || ref.function == "datacenter") {
    expect_args(0, "");
  } else {
    throw TemplateError(text + ": unknown reference \"" + ref.function +
                        "\" (known: ip, id, host_port, hostname, host_ip, node, datacenter)");
  }
  return ref;
}

}  // namespace

bool Template::has_references() const {
  for (const auto& p : pieces)
    if (std::holds_alternative<TemplateRef>(p)) return true;
  return false;
}

bool Template::is_single_reference() const {
  return pieces.size() == 1 && std::holds_alternative<TemplateRef>(pieces[0]);
}

Template parse_template(std::string_view text) {
  Template out;
  std::string literal;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      literal += text.substr(pos);
      break;
    }
    literal += text.substr(pos, open - pos);
    const auto close = text.find("}}", open + 2);
    if (close == std::string_view::npos)
      throw TemplateError("unclosed \"{{\" in \"" + std::string(text) + "\"");
    if (!literal.empty()) out.pieces.emplace_back(std::move(literal));
    literal.clear();
    const std::string ref_text(text.substr(open, close + 2 - open));
    out.pieces.emplace_back(parse_reference(text.substr(open + 2, close - open - 2), ref_text));
    pos = close + 2;
  }
  if (!literal.empty()) out.pieces.emplace_back(std::move(literal));
  return out;
}

void check_template_scope(const Template& tmpl, const TemplateScope& scope) {
  for (const auto& piece : tmpl.pieces) {
    const auto* ref = std::get_if<TemplateRef>(&piece);
    if (!ref || ref->host.empty()) continue;
    if (!scope.hosts.count(ref->host))
      throw TemplateError(ref->text + ": no host named \"" + ref->host + "\"");
    if (!ref->container.empty() && !scope.containers.count(ref->host + "/" + ref->container))
      throw TemplateError(ref->text + ": no earlier step runs a container \"" + ref->container + "\" on " +
                          ref->host);
  }
}

std::string expand_template(const Template& tmpl, const FactSource& facts) {
  std::string out;
  for (const auto& piece : tmpl.pieces) {
    if (const auto* lit = std::get_if<std::string>(&piece)) out += *lit;
    else out += facts.resolve(std::get<TemplateRef>(piece));
  }
  return out;
}

std::string expand_text(std::string_view text, const FactSource& facts) {
  return expand_template(parse_template(text), facts);
}

}  // namespace regsim
