#include "fakes/consul/cli_options.hpp"

#include "fakes/consul/requests/go_duration.hpp"
#include "fakes/consul/state/catalog.hpp"

#include "fakes/dns/wire/dns_name.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <charconv>
#include <limits>

namespace fakes::consul {

std::string cli_usage() {
  return "usage: fake-consul --http ADDR:PORT [--dns ADDR:PORT] [--node NAME] [--node-address IP]\n"
         "                   [--datacenter NAME] [--acl-master-token TOKEN] [--ready-file PATH]\n"
         "                   [--http-unix PATH] [--unknown-deregister 404|500|200] [--dns-... see below]\n"
         "  --http ADDR:PORT          Consul HTTP API listener (port 0 = any free port)\n"
         "  --agent NAME=ADDR:PORT    another agent (node NAME, address ADDR) on its own HTTP listener,\n"
         "                            sharing the catalog: a simulated cluster; repeatable;\n"
         "                            ,netns=PATH binds its listener in that network namespace;\n"
         "                            ,dc=DC puts it in datacenter DC (its own catalog; ?dc= reaches it)\n"
         "  --wan DC=ADDR:PORT        datacenter DC is served by another fake-consul on ADDR:PORT (loopback or --check-allow);\n"
         "                            ?dc=DC requests are relayed there; repeatable\n"
         "  --dns ADDR:PORT           Consul DNS listener, UDP and TCP (off when absent)\n"
         "  --node NAME               agent node name (default node1)\n"
         "  --node-address IP         agent node address (default 127.0.0.1)\n"
         "  --datacenter NAME         datacenter (default dc1)\n"
         "  --acl-master-token TOKEN  require this token for writes (403 without it); with\n"
         "                            --acl-default-policy, the initial management token\n"
         "  --acl-initial-management-token TOKEN  the same (Consul's acl.tokens.initial_management)\n"
         "  --acl-default-policy allow|deny  turn on ACLs: /v1/acl/* policies and tokens, rules\n"
         "                            enforced on every endpoint (bootstrap with /v1/acl/bootstrap)\n"
         "  --ready-file PATH         once listening, write {\"http\":\"ADDR:PORT\",\"dns\":\"ADDR:PORT\"} here\n"
         "  --http-unix PATH          also serve the HTTP API on a unix socket\n"
         "  --https ADDR:PORT         also serve the HTTP API over TLS (needs --tls-cert, --tls-key)\n"
         "  --tls-cert FILE           PEM certificate the HTTPS listener presents\n"
         "  --tls-key FILE            PEM private key of that certificate\n"
         "  --tls-ca FILE             PEM CA that client certificates must chain to (and, with\n"
         "                            --enable-agent-tls-for-checks, that HTTPS checks trust)\n"
         "  --verify-incoming         require a client certificate signed by --tls-ca (verify_incoming)\n"
         "  --run-checks              probe HTTP(S) and TCP checks every Interval, as an agent does\n"
         "  --enable-agent-tls-for-checks  HTTPS checks trust only --tls-ca (and present --tls-cert) instead of\n"
         "                            the system's CAs, as Consul's enable_agent_tls_for_checks\n"
         "  --script-checks refuse|store|run  script checks (Args) over the API: refused (default, as\n"
         "                            Consul), stored without running, or run by --run-checks\n"
         "  --enable-script-checks[=true|false]  as enable_script_checks: true = run, false = refuse\n"
         "  --check-allow CIDR        networks --run-checks may probe; repeatable (default 127.0.0.0/8 and ::1)\n"
         "  --reap-interval DUR       run the critical-service reaper every DUR (Consul: 30s; default 0 =\n"
         "                            exactly when DeregisterCriticalServiceAfter runs out)\n"
         "  --deregister-critical-min DUR  shortest DeregisterCriticalServiceAfter (Consul: 1m; default 0)\n"
         "  --anti-entropy-interval DUR  agents re-assert their services this often (default 1m, 0 = never)\n"
         "  --session-ttl-min DUR     shortest session TTL accepted (Consul's session_ttl_min, default 10s)\n"
         "  --unknown-deregister C    answer for deregistering an unknown ID: 404 (current Consul),\n"
         "                            500 (old agents) or 200 (as the docs say); default 404\n"
         "DNS (Consul's dns_config; durations in Go syntax, e.g. 30s, 1m):\n"
         "  --dns-domain NAME         served domain (default consul)\n"
         "  --dns-alt-domain NAME     second domain answered like the first (alt_domain)\n"
         "  --dns-node-ttl DUR        TTL of node and addr lookups (default 0s)\n"
         "  --dns-service-ttl NAME=DUR  service TTL; NAME exact, prefix* or *; repeatable\n"
         "  --dns-udp-answer-limit N  answers in a non-EDNS UDP reply, 1..8 effective (default 3)\n"
         "  --dns-a-record-limit N    A/AAAA answers per service lookup, 0 = all (default 0)\n"
         "  --dns-only-passing        hide instances with warning checks too\n"
         "  --dns-enable-truncate     set TC when a UDP answer was trimmed\n"
         "  --dns-recursion-available true|false  RA flag (default true, as the users' transcript;\n"
         "                            a Consul agent without recursors answers false)\n"
         "  --dns-soa-min-ttl DUR     SOA minimum and the SOA record's TTL (default 0s)\n"
         "  --dns-seed N              seed for answer shuffling (default random)\n";
}

namespace {

std::optional<std::uint64_t> parse_unsigned(const std::string& text) {
  std::uint64_t value = 0;
  auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || err != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

/// Whole seconds of a non-negative Go duration that fits a DNS TTL.
std::optional<std::uint32_t> parse_ttl(const std::string& text) {
  const auto d = parse_go_duration(text);
  if (!d || d->count() < 0) return std::nullopt;
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(*d).count();
  if (seconds > std::numeric_limits<std::int32_t>::max()) return std::nullopt;  // RFC 2181 8
  return static_cast<std::uint32_t>(seconds);
}

bool valid_domain(const std::string& text) {
  try {
    return !fakes::dns::DnsName::from_text(text).is_root();
  } catch (const std::invalid_argument&) {
    return false;
  }
}

std::string bad(const std::string& flag, const std::string& value, const std::string& want) {
  return "bad value for " + flag + ": \"" + value + "\" (" + want + ")";
}

/// Boolean DNS flags: present = true, or an explicit --flag=true|false.
constexpr const char* kDnsSwitches[] = {"--dns-only-passing", "--dns-enable-truncate"};

/// Applies one --dns-* flag; returns the error, if any.
std::optional<std::string> apply_dns_flag(const std::string& flag, const std::string& value,
                                          fakes::dns::DnsConfig& dns) {
  if (flag == "--dns-domain" || flag == "--dns-alt-domain") {
    if (!valid_domain(value)) return bad(flag, value, "want a domain name such as consul");
    (flag == "--dns-domain" ? dns.domain : dns.alt_domain) = value;
  } else if (flag == "--dns-node-ttl" || flag == "--dns-soa-min-ttl") {
    const auto ttl = parse_ttl(value);
    if (!ttl) return bad(flag, value, "want a non-negative duration such as 30s");
    (flag == "--dns-node-ttl" ? dns.node_ttl : dns.soa_min_ttl) = *ttl;
  } else if (flag == "--dns-service-ttl") {
    const auto eq = value.find('=');
    if (eq == std::string::npos || eq == 0) return bad(flag, value, "want NAME=DURATION, e.g. web=30s or *=5s");
    const std::string name = value.substr(0, eq);
    if (name.find('*') != std::string::npos && name.find('*') != name.size() - 1) {
      return bad(flag, value, "'*' may only end the name");
    }
    const auto ttl = parse_ttl(value.substr(eq + 1));
    if (!ttl) return bad(flag, value, "want NAME=DURATION with a non-negative duration");
    dns.service_ttls[name] = *ttl;
  } else if (flag == "--dns-udp-answer-limit" || flag == "--dns-a-record-limit") {
    const auto n = parse_unsigned(value);
    const bool udp = flag == "--dns-udp-answer-limit";
    if (!n || (udp && *n == 0) || *n > 65535) {
      return bad(flag, value, udp ? "want a whole number from 1" : "want a whole number, 0 = no limit");
    }
    (udp ? dns.udp_answer_limit : dns.a_record_limit) = static_cast<std::size_t>(*n);
  } else if (flag == "--dns-only-passing" || flag == "--dns-enable-truncate" ||
             flag == "--dns-recursion-available") {
    if (value != "true" && value != "false") return bad(flag, value, "want true or false");
    const bool on = value == "true";
    if (flag == "--dns-only-passing") dns.only_passing = on;
    else if (flag == "--dns-enable-truncate") dns.enable_truncate = on;
    else dns.recursion_available = on;
  } else if (flag == "--dns-seed") {
    const auto n = parse_unsigned(value);
    if (!n) return bad(flag, value, "want a whole number");
    dns.shuffle_seed = *n;
  }
  return std::nullopt;
}

/// --agent NAME=IP:PORT[,netns=PATH][,dc=DC]
std::variant<ExtraAgent, std::string> parse_agent(const std::string& value) {
  const std::string want = " (want NAME=IP:PORT[,netns=PATH][,dc=DC], e.g. node2=127.0.0.2:8500)";
  const auto comma = value.find(',');
  const std::string head = value.substr(0, comma);
  const auto eq = head.find('=');
  const auto hp = eq == std::string::npos ? std::nullopt : parse_host_port(head.substr(eq + 1));
  if (eq == 0 || !hp) return "bad value for --agent: \"" + value + "\"" + want;
  ExtraAgent agent{head.substr(0, eq), hp->first, hp->second, {}, {}};
  std::size_t at = comma;
  while (at != std::string::npos) {
    const auto next = value.find(',', at + 1);
    const std::string option = value.substr(at + 1, next == std::string::npos ? std::string::npos : next - at - 1);
    if (option.starts_with("netns=") && option.size() > 6) {
      agent.netns = option.substr(6);
    } else if (option.starts_with("dc=") && option.size() > 3) {
      agent.datacenter = option.substr(3);
    } else {
      return "bad value for --agent: \"" + value + "\": unknown option \"" + option + "\"" + want;
    }
    at = next;
  }
  return agent;
}

}  // namespace

std::optional<std::pair<std::string, std::uint16_t>> parse_host_port(const std::string& text) {
  std::string host, port;
  if (text.starts_with("[")) {
    auto close = text.find("]:");
    if (close == std::string::npos) return std::nullopt;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string::npos) return std::nullopt;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  if (ec) return std::nullopt;
  unsigned value = 0;
  auto [end, err] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || err != std::errc{} || end != port.data() + port.size() || value > 65535) return std::nullopt;
  return std::make_pair(host, static_cast<std::uint16_t>(value));
}

std::variant<CliOptions, std::string> parse_cli(const std::vector<std::string>& args) {
  CliOptions out;
  bool have_http = false;
  bool custom_allow = false;  // the first --check-allow replaces the loopback default
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::optional<std::string> inline_value;
    if (auto eq = flag.find('='); flag.starts_with("--") && eq != std::string::npos) {
      inline_value = flag.substr(eq + 1);
      flag.resize(eq);
    }
    if (flag == "--help" || flag == "-h") {
      out.help = true;
      continue;
    }
    static const char* const known[] = {"--http", "--dns", "--node", "--agent", "--wan", "--node-address", "--datacenter",
                                        "--acl-master-token", "--acl-initial-management-token", "--acl-default-policy", "--ready-file", "--http-unix", "--unknown-deregister",
                                        "--https", "--tls-cert", "--tls-key", "--tls-ca", "--verify-incoming",
                                        "--run-checks", "--enable-agent-tls-for-checks", "--enable-script-checks", "--script-checks", "--check-allow", "--reap-interval", "--deregister-critical-min", "--anti-entropy-interval", "--session-ttl-min",
                                        "--dns-domain", "--dns-alt-domain", "--dns-node-ttl", "--dns-service-ttl",
                                        "--dns-udp-answer-limit", "--dns-a-record-limit", "--dns-only-passing",
                                        "--dns-enable-truncate", "--dns-recursion-available", "--dns-soa-min-ttl",
                                        "--dns-seed"};
    if (std::find(std::begin(known), std::end(known), flag) == std::end(known)) return "unknown flag " + flag;
    const bool is_switch = flag == "--verify-incoming" || flag == "--run-checks" || flag == "--enable-script-checks" ||
                           flag == "--enable-agent-tls-for-checks" ||
                           std::find(std::begin(kDnsSwitches), std::end(kDnsSwitches), flag) != std::end(kDnsSwitches);
    std::string value;
    if (inline_value) {
      value = *inline_value;
    } else if (is_switch) {
      value = "true";
    } else {
      if (i + 1 >= args.size()) return "flag " + flag + " needs a value";
      value = args[++i];
    }
    if (flag.starts_with("--dns-")) {
      if (auto error = apply_dns_flag(flag, value, out.fake.dns)) return *error;
    } else if (flag == "--https") {
      auto hp = parse_host_port(value);
      if (!hp) return "bad value for --https: \"" + value + "\" (want ADDR:PORT, e.g. 127.0.0.1:8501)";
      out.fake.https_address = hp->first;
      out.fake.https_port = hp->second;
    } else if (flag == "--tls-cert" || flag == "--tls-key" || flag == "--tls-ca") {
      if (value.empty()) return "bad value for " + flag + ": empty file name";
      (flag == "--tls-cert" ? out.fake.tls.cert_file : flag == "--tls-key" ? out.fake.tls.key_file : out.fake.tls.ca_file) = value;
    } else if (flag == "--run-checks") {
      if (value != "true" && value != "false") return "bad value for --run-checks: \"" + value + "\" (want true or false)";
      out.fake.run_checks = value == "true";
    } else if (flag == "--enable-agent-tls-for-checks") {
      if (value != "true" && value != "false") return bad(flag, value, "want true or false");
      out.fake.checks.tls.use_agent_tls = value == "true";
    } else if (flag == "--enable-script-checks") {
      if (value != "true" && value != "false") return bad(flag, value, "want true or false");
      out.fake.agent.script_checks = value == "true" ? ScriptChecks::run : ScriptChecks::refuse;
      out.fake.checks.run_scripts = value == "true";
    } else if (flag == "--script-checks") {
      if (value == "refuse") out.fake.agent.script_checks = ScriptChecks::refuse;
      else if (value == "store") out.fake.agent.script_checks = ScriptChecks::store;
      else if (value == "run") out.fake.agent.script_checks = ScriptChecks::run;
      else return bad(flag, value, "want refuse, store or run");
      out.fake.checks.run_scripts = value == "run";
    } else if (flag == "--reap-interval" || flag == "--deregister-critical-min" || flag == "--anti-entropy-interval") {
      const auto d = parse_go_duration(value);
      if (!d || d->count() < 0) return bad(flag, value, "want a non-negative duration such as 30s");
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*d);
      if (flag == "--reap-interval") out.fake.reap_interval = ms;
      else if (flag == "--deregister-critical-min") out.fake.deregister_critical_min = ms;
      else out.fake.anti_entropy_interval = ms;
    } else if (flag == "--session-ttl-min") {
      const auto d = parse_go_duration(value);
      if (!d || d->count() <= 0) return bad(flag, value, "want a positive duration such as 10s");
      out.fake.agent.session_ttl_min = std::chrono::duration_cast<std::chrono::milliseconds>(*d);
    } else if (flag == "--check-allow") {
      auto network = IpNetwork::parse(value);
      if (!network) return "bad value for --check-allow: \"" + value + "\" (want a CIDR such as 127.0.0.0/8)";
      if (!custom_allow) out.fake.checks.allowed.clear();
      custom_allow = true;
      out.fake.checks.allowed.push_back(*network);
    } else if (flag == "--verify-incoming") {
      if (value != "true" && value != "false") return "bad value for --verify-incoming: \"" + value + "\" (want true or false)";
      out.fake.tls.verify_incoming = value == "true";
    } else if (flag == "--http" || flag == "--dns") {
      auto hp = parse_host_port(value);
      if (!hp) return "bad value for " + flag + ": \"" + value + "\" (want ADDR:PORT, e.g. 127.0.0.1:8500)";
      if (flag == "--http") {
        out.fake.http_address = hp->first;
        out.fake.http_port = hp->second;
        have_http = true;
      } else {
        out.fake.dns_address = hp->first;
        out.fake.dns_port = hp->second;
      }
    } else if (flag == "--agent") {
      auto agent = parse_agent(value);
      if (auto* error = std::get_if<std::string>(&agent)) return *error;
      auto& extra = std::get<ExtraAgent>(agent);
      for (const auto& other : out.fake.agents)
        if (other.node == extra.node) return "bad value for --agent: node \"" + extra.node + "\" is given twice";
      out.fake.agents.push_back(std::move(extra));
    } else if (flag == "--wan") {
      const auto eq = value.find('=');
      const auto hp = eq == std::string::npos ? std::nullopt : parse_host_port(value.substr(eq + 1));
      if (eq == 0 || !hp) return bad(flag, value, "want DC=IP:PORT, e.g. dc2=127.0.0.1:8510");
      boost::system::error_code ec;
      boost::asio::ip::make_address(hp->first, ec);
      if (ec) return bad(flag, value, "want DC=IP:PORT with an IP address");
      const std::string dc = value.substr(0, eq);
      for (const auto& other : out.fake.wan)
        if (other.datacenter == dc) return "bad value for --wan: datacenter \"" + dc + "\" is given twice";
      out.fake.wan.push_back({dc, hp->first, hp->second});
    } else if (flag == "--node") {
      if (value.empty()) return "bad value for --node: empty name";
      out.fake.agent.node_name = value;
    } else if (flag == "--node-address") {
      boost::system::error_code ec;
      boost::asio::ip::make_address(value, ec);
      if (ec) return "bad value for --node-address: \"" + value + "\" is not an IP address";
      out.fake.agent.node_address = value;
    } else if (flag == "--datacenter") {
      if (value.empty()) return "bad value for --datacenter: empty name";
      out.fake.agent.datacenter = value;
    } else if (flag == "--acl-master-token" || flag == "--acl-initial-management-token") {
      if (value.empty()) return "bad value for " + flag + ": empty token";
      out.fake.agent.acl_master_token = value;
    } else if (flag == "--acl-default-policy") {
      if (value != "allow" && value != "deny")
        return "bad value for --acl-default-policy: \"" + value + "\" (want allow or deny)";
      out.fake.agent.acl_default_policy = value;
    } else if (flag == "--ready-file") {
      out.ready_file = value;
    } else if (flag == "--http-unix") {
      out.fake.http_unix_socket = value;
    } else if (flag == "--unknown-deregister") {
      if (value == "404") out.fake.agent.unknown_deregister = UnknownDeregister::not_found_404;
      else if (value == "500") out.fake.agent.unknown_deregister = UnknownDeregister::legacy_500;
      else if (value == "200") out.fake.agent.unknown_deregister = UnknownDeregister::ignore_200;
      else return "bad value for --unknown-deregister: \"" + value + "\" (want 404, 500 or 200)";
    }
  }
  if (!have_http && !out.help) return "missing required flag --http";
  if (out.fake.https_address && (out.fake.tls.cert_file.empty() || out.fake.tls.key_file.empty()))
    return "--https needs --tls-cert and --tls-key";
  if (!out.fake.https_address && (!out.fake.tls.cert_file.empty() || !out.fake.tls.key_file.empty()))
    return "--tls-cert/--tls-key given without --https";
  if (out.fake.tls.verify_incoming && out.fake.tls.ca_file.empty()) return "--verify-incoming needs --tls-ca";
  if (out.fake.checks.tls.use_agent_tls) {
    if (out.fake.tls.ca_file.empty()) return "--enable-agent-tls-for-checks needs --tls-ca";
    out.fake.checks.tls.ca_file = out.fake.tls.ca_file;
    out.fake.checks.tls.cert_file = out.fake.tls.cert_file;
    out.fake.checks.tls.key_file = out.fake.tls.key_file;
  }
  for (const auto& peer : out.fake.wan) {
    bool here = iequals(peer.datacenter, out.fake.agent.datacenter);
    for (const auto& agent : out.fake.agents) here = here || iequals(peer.datacenter, agent.datacenter);
    if (here) return "bad value for --wan: datacenter \"" + peer.datacenter + "\" is served by this process";
    // The same networks --run-checks may reach (loopback unless --check-allow widens them, e.g.
    // to namespaces a test made): fake-consul sends nothing anywhere else.
    const auto address = boost::asio::ip::make_address(peer.address);
    bool allowed = false;
    for (const auto& network : out.fake.checks.allowed) allowed = allowed || network.contains(address);
    if (!allowed)
      return "bad value for --wan: \"" + peer.datacenter + "=" + peer.address + ":" + std::to_string(peer.port) +
             "\" (the other fake-consul must listen on a loopback address or inside a --check-allow network)";
  }
  return out;
}

}  // namespace fakes::consul
