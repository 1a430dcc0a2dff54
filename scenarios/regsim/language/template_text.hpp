#pragma once
// Strings in scenarios may refer to facts known only at run time: "{{ip host1/web5}}" is the IP
// fake-docker gave container web5 on host1. Templates are parsed and their references checked
// when the scenario is loaded (so a typo fails before anything starts) and expanded when the
// step runs.
//
// References:
//   {{ip HOST/CONTAINER}}         the container's IP on its network, as fake-docker reports it
//   {{id HOST/CONTAINER}}         the container's full ID
//   {{host_port HOST/CONTAINER PORT[/PROTO]}}  the host port Docker bound for a published port
//   {{hostname HOST}}             the host's name (registrator runs with -hostname=HOST)
//   {{host_ip HOST}}              the host's external IP from the scenario ("ip")
//   {{node}} {{datacenter}}       the fake Consul's node name and datacenter

#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace regsim {

struct TemplateRef {
  std::string function;   // ip, id, host_port, hostname, host_ip, node, datacenter
  std::string host;       // empty for node/datacenter
  std::string container;  // empty unless the function names a container
  std::string port;       // host_port only: "80/tcp"
  std::string text;       // the reference as written, for messages: "{{ip host1/web5}}"
};

struct Template {
  std::vector<std::variant<std::string, TemplateRef>> pieces;
  bool has_references() const;
  /// True when the whole text is one reference (its value may then be typed, e.g. a port).
  bool is_single_reference() const;
};

/// What a template may refer to at the point it appears in the scenario.
struct TemplateScope {
  std::set<std::string> hosts;
  std::set<std::string> containers;  // "host/name" of containers run by earlier steps
};

class TemplateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Parses "{{...}}" references; throws TemplateError naming the bad reference.
Template parse_template(std::string_view text);

/// Throws TemplateError when a reference names an unknown host or a container no earlier step ran.
void check_template_scope(const Template& tmpl, const TemplateScope& scope);

/// Supplies the value of one reference at run time; throws TemplateError when it cannot.
class FactSource {
 public:
  virtual ~FactSource() = default;
  virtual std::string resolve(const TemplateRef& ref) const = 0;
};

std::string expand_template(const Template& tmpl, const FactSource& facts);
/// Parses and expands in one go (the text was validated at load time).
std::string expand_text(std::string_view text, const FactSource& facts);

}  // namespace regsim
