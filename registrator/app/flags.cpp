#include "registrator/app/flags.hpp"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>

#include "registrator/mapping/tags_template.hpp"
#include "registrator/health/health_check_command.hpp"
#include "registrator/health/listen_address.hpp"
#include "registrator/app/version.hpp"

namespace registrator {
namespace {

enum class Type { Bool, Int, String };

struct FlagDef {
  std::string name;
  Type type;
  std::string def;  // Go DefValue
  std::string usage;
};

const std::vector<FlagDef>& flag_defs() {
  static const std::vector<FlagDef> defs = [] {
    std::vector<FlagDef> d = {
        {"ip", Type::String, "", "IP for ports mapped to the host"},
        {"internal", Type::Bool, "false", "Use internal ports instead of published ones"},
        {"explicit", Type::Bool, "false", "Only register containers which have SERVICE_NAME label set"},
        {"useIpFromLabel", Type::String, "", "Use IP which is stored in a label assigned to the container"},
        {"ttl-refresh", Type::Int, "0", "Frequency with which service TTLs are refreshed"},
        {"ttl", Type::Int, "0", "TTL for services (default is no expiry)"},
        {"tags", Type::String, "", "Append tags for all registered services"},
        {"resync", Type::Int, "0", "Frequency with which services are resynchronized"},
        {"deregister", Type::String, "always", "Deregister exited services \"always\" or \"on-success\""},
        {"retry-attempts", Type::Int, "0",
         "Max retry attempts to establish a connection with the backend. Use -1 for infinite retries"},
        {"retry-interval", Type::Int, "2000", "Interval (in millisecond) between retry-attempts."},
        {"cleanup", Type::Bool, "false", "Remove dangling services"},
        {"hostname", Type::String, "",
         "Host part of service IDs (default: this machine's hostname)"},
        {"deregister-on-stop", Type::Bool, "false",
         "On SIGTERM/SIGINT, deregister every service this registrator registered before exiting"},
        {"log-format", Type::String, "text",
         "Log lines as \"text\" (upstream's format) or \"json\" (one object per line: time, level, message, fields)"},
        {"health-addr", Type::String, "",
         "Serve GET /health on IP:PORT: 200 while the Docker event stream and the registry are reachable, 503 and the reasons otherwise"},
        {"healthcheck", Type::String, "",
         "Probe a registrator's health endpoint (http://IP:PORT/health) and exit: 0 on 200, 1 otherwise; runs nothing else (Docker's HEALTHCHECK in the image)"},
        {"v6-naming", Type::Bool, "false",
         "Registrator v6 naming: SERVICE_NAME on a multi-port container gets no -<port> suffix"},
    };
    std::sort(d.begin(), d.end(), [](const FlagDef& a, const FlagDef& b) { return a.name < b.name; });
    return d;
  }();
  return defs;
}

const FlagDef* find_flag(std::string_view name) {
  for (const auto& f : flag_defs())
    if (f.name == name) return &f;
  return nullptr;
}

// strconv.Quote (enough for flag error messages).
std::string go_quote(std::string_view s) {
  std::string out = "\"";
  static const char* hex = "0123456789abcdef";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\v': out += "\\v"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\x";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

// strconv.ParseBool
std::optional<bool> parse_go_bool(std::string_view s) {
  if (s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "true" || s == "True") return true;
  if (s == "0" || s == "f" || s == "F" || s == "FALSE" || s == "false" || s == "False") return false;
  return std::nullopt;
}

char lower(char c) { return static_cast<char>(c | 0x20); }

// strconv.underscoreOK
bool underscore_ok(std::string_view s) {
  char saw = '^';
  std::size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' && (lower(s[1]) == 'b' || lower(s[1]) == 'o' || lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = lower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    char c = s[i];
    if ((c >= '0' && c <= '9') || (hex && lower(c) >= 'a' && lower(c) <= 'f')) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

// strconv.ParseInt(s, 0, 64): the value, or "parse error" / "value out of range".
std::variant<std::int64_t, std::string> parse_go_int(std::string_view s0) {
  const std::string parse_error = "parse error";
  if (s0.empty()) return parse_error;
  std::string_view s = s0;
  bool neg = false;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    s.remove_prefix(1);
    if (s.empty()) return parse_error;
  }
  unsigned base = 10;
  if (s[0] == '0') {
    if (s.size() >= 3 && lower(s[1]) == 'b') base = 2, s.remove_prefix(2);
    else if (s.size() >= 3 && lower(s[1]) == 'o') base = 8, s.remove_prefix(2);
    else if (s.size() >= 3 && lower(s[1]) == 'x') base = 16, s.remove_prefix(2);
    else base = 8, s.remove_prefix(1);
  }
  // Accumulate in uint64 with saturation at 2^64-1 (anything above 2^63 is out of range anyway).
  std::uint64_t v = 0;
  bool overflow = false;
  bool underscores = false;
  for (char c : s) {
    if (c == '_') {
      underscores = true;
      continue;
    }
    unsigned d;
    if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
    else if (lower(c) >= 'a' && lower(c) <= 'z') d = static_cast<unsigned>(lower(c) - 'a' + 10);
    else return parse_error;
    if (d >= base) return parse_error;
    if (v > (UINT64_MAX - d) / base) overflow = true;
    else v = v * base + d;
  }
  if (underscores && !underscore_ok(s0)) return parse_error;
  const std::uint64_t limit = neg ? (std::uint64_t{1} << 63) : ((std::uint64_t{1} << 63) - 1);
  if (overflow || v > limit) return std::string("value out of range");
  if (neg) return v == (std::uint64_t{1} << 63) ? INT64_MIN : -static_cast<std::int64_t>(v);
  return static_cast<std::int64_t>(v);
}

bool assign(Config& c, const FlagDef& f, std::string_view value, std::string& err) {
  const std::string& n = f.name;
  if (f.type == Type::Bool) {
    auto b = parse_go_bool(value);
    if (!b) {
      err = "parse error";
      return false;
    }
    if (n == "internal") c.internal = *b;
    else if (n == "explicit") c.explicit_only = *b;
    else if (n == "cleanup") c.cleanup = *b;
    else if (n == "v6-naming") c.v6_naming = *b;
    else if (n == "deregister-on-stop") c.deregister_on_stop = *b;
    return true;
  }
  if (f.type == Type::Int) {
    auto r = parse_go_int(value);
    if (auto* e = std::get_if<std::string>(&r)) {
      err = *e;
      return false;
    }
    std::int64_t v = std::get<std::int64_t>(r);
    if (n == "ttl-refresh") c.ttl_refresh = v;
    else if (n == "ttl") c.ttl = v;
    else if (n == "resync") c.resync = v;
    else if (n == "retry-attempts") c.retry_attempts = v;
    else if (n == "retry-interval") c.retry_interval_ms = v;
    return true;
  }
  std::string v(value);
  if (n == "ip") {
    // "[fd00::7]" as written in URLs: the address itself is registered.
    if (v.size() > 2 && v.front() == '[' && v.back() == ']') v = v.substr(1, v.size() - 2);
    c.host_ip = v;
  }
  else if (n == "useIpFromLabel") c.use_ip_from_label = v;
  else if (n == "tags") c.force_tags = v;
  else if (n == "deregister") c.deregister = v;
  else if (n == "hostname") c.hostname = v;
  else if (n == "log-format") c.log_format = v;
  else if (n == "healthcheck") {
    auto parsed = parse_probe_url(v, err);
    if (!parsed) return false;
    c.healthcheck = std::move(parsed);
  }
  else if (n == "health-addr") {
    // Checked here, where Go's flag package would check a flag.Value: a bad address is a flag
    // error (exit 2, with the usage), not a listener that is silently missing.
    if (v.empty()) {
      c.health_addr.reset();
      return true;
    }
    auto parsed = parse_listen_address(v, err);
    if (!parsed) return false;
    c.health_addr = std::move(parsed);
  }
  return true;
}

FlagsOutcome exit_with(int code, std::string err) {
  FlagsOutcome o;
  o.kind = FlagsOutcome::Kind::Exit;
  o.exit_code = code;
  o.err = std::move(err);
  return o;
}

// `c`: the flags as parsed, so the message is logged in the -log-format asked for.
FlagsOutcome fatal(std::string msg, const Config& c) {
  FlagsOutcome o;
  o.kind = FlagsOutcome::Kind::Exit;
  o.exit_code = 1;
  o.fatal = std::move(msg);
  o.config = c;
  return o;
}

}  // namespace

std::string usage_text(std::string_view program) {
  std::string out = "Usage of " + std::string(program) + ":\n";
  out += "  " + std::string(program) + " [options] <registry URI>\n\n";
  for (const auto& f : flag_defs()) {
    std::string b = "  -" + f.name;
    if (f.type == Type::Int) b += " int";
    if (f.type == Type::String) b += " string";
    b += b.size() <= 4 ? "\t" : "\n    \t";
    b += f.usage;
    bool zero = (f.type == Type::Bool && f.def == "false") || (f.type == Type::Int && f.def == "0") ||
                (f.type == Type::String && f.def.empty());
    if (!zero) b += f.type == Type::String ? " (default " + go_quote(f.def) + ")" : " (default " + f.def + ")";
    out += b + "\n";
  }
  return out;
}

FlagsOutcome parse_flags(const std::vector<std::string>& args, std::string_view program) {
  if (args.size() == 1 && args[0] == "--version") {
    FlagsOutcome o;
    o.kind = FlagsOutcome::Kind::Exit;
    o.exit_code = 0;
    o.out = version_text();
    return o;
  }
  Config c;
  std::size_t i = 0;
  // Go flag.Parse: stop at the first non-flag argument or after "--".
  while (i < args.size()) {
    const std::string& s = args[i];
    if (s.size() < 2 || s[0] != '-') break;
    std::size_t minuses = 1;
    if (s[1] == '-') {
      minuses = 2;
      if (s.size() == 2) {
        ++i;
        break;
      }
    }
    std::string name = s.substr(minuses);
    if (name.empty() || name[0] == '-' || name[0] == '=') {
      return exit_with(2, "bad flag syntax: " + s + "\n" + usage_text(program));
    }
    ++i;
    bool has_value = false;
    std::string value;
    if (auto eq = name.find('=', 1); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
      has_value = true;
    }
    const FlagDef* f = find_flag(name);
    if (!f) {
      if (name == "help" || name == "h") return exit_with(0, usage_text(program));
      return exit_with(2, "flag provided but not defined: -" + name + "\n" + usage_text(program));
    }
    std::string err;
    if (f->type == Type::Bool) {
      if (!assign(c, *f, has_value ? value : "true", err)) {
        return exit_with(2, "invalid boolean value " + go_quote(value) + " for -" + name + ": " + err + "\n" +
                                usage_text(program));
      }
      continue;
    }
    if (!has_value && i < args.size()) {
      value = args[i++];
      has_value = true;
    }
    if (!has_value) return exit_with(2, "flag needs an argument: -" + name + "\n" + usage_text(program));
    if (!assign(c, *f, value, err)) {
      return exit_with(2, "invalid value " + go_quote(value) + " for flag -" + name + ": " + err + "\n" +
                              usage_text(program));
    }
  }
  std::vector<std::string> rest(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
  if (c.healthcheck) {
    // A probe of another registrator: a registry URI here means the two uses were mixed up.
    if (!rest.empty()) return exit_with(2, "-healthcheck takes no registry URI, got: " + rest[0] + "\n" + usage_text(program));
    FlagsOutcome o;
    o.config = std::move(c);
    return o;
  }
  if (rest.size() != 1) {
    std::string msg;
    if (rest.empty()) {
      msg = "Missing required argument for registry URI.\n\n";
    } else {
      msg = "Extra unparsed arguments:\n ";
      for (std::size_t k = 1; k < rest.size(); ++k) msg += " " + rest[k];
      msg += "\nOptions should come before the registry URI argument.\n\n";
    }
    return exit_with(2, msg + usage_text(program));
  }
  c.registry_uri = rest[0];
  // First, so that the errors below are logged in a format that exists.
  if (c.log_format != "text" && c.log_format != "json") {
    const std::string asked = c.log_format;
    c.log_format = "text";
    return fatal("-log-format must be \"text\" or \"json\", not " + go_quote(asked), c);
  }
  if ((c.ttl == 0 && c.ttl_refresh > 0) || (c.ttl > 0 && c.ttl_refresh == 0)) {
    return fatal("-ttl and -ttl-refresh must be specified together or not at all", c);
  }
  if (c.ttl > 0 && c.ttl <= c.ttl_refresh) return fatal("-ttl must be greater than -ttl-refresh", c);
  if (c.retry_interval_ms <= 0) return fatal("-retry-interval must be greater than 0", c);
  if (c.deregister != "always" && c.deregister != "on-success") {
    return fatal("-deregister must be \"always\" or \"on-success\"", c);
  }
  if (!c.force_tags.empty()) {
    // Upstream parses -tags as a Go template for every container and log.Fatal's on errors;
    // parsing it once here turns a bad template into a start-up error.
    try {
      TagsTemplate::parse(c.force_tags);
    } catch (const TemplateError& e) {
      return fatal(c.force_tags + " template parsing failed with error: " + e.what(), c);
    }
  }
  FlagsOutcome o;
  o.config = std::move(c);
  return o;
}

}  // namespace registrator
