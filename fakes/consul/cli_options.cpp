#include "cli_options.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <charconv>

namespace fakes::consul {

std::string cli_usage() {
  return "usage: fake-consul --http ADDR:PORT [--dns ADDR:PORT] [--node NAME] [--node-address IP]\n"
         "                   [--datacenter NAME] [--acl-master-token TOKEN] [--ready-file PATH]\n"
         "                   [--http-unix PATH] [--unknown-deregister 404|500|200]\n"
         "  --http ADDR:PORT          Consul HTTP API listener (port 0 = any free port)\n"
         "  --dns ADDR:PORT           Consul DNS listener, UDP and TCP (off when absent)\n"
         "  --node NAME               agent node name (default node1)\n"
         "  --node-address IP         agent node address (default 127.0.0.1)\n"
         "  --datacenter NAME         datacenter (default dc1)\n"
         "  --acl-master-token TOKEN  require this token for writes (403 without it)\n"
         "  --ready-file PATH         once listening, write {\"http\":\"ADDR:PORT\",\"dns\":\"ADDR:PORT\"} here\n"
         "  --http-unix PATH          also serve the HTTP API on a unix socket\n"
         "  --unknown-deregister C    answer for deregistering an unknown ID: 404 (current Consul),\n"
         "                            500 (old agents) or 200 (as the docs say); default 404\n";
}

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
    static const char* const known[] = {"--http", "--dns", "--node", "--node-address", "--datacenter",
                                        "--acl-master-token", "--ready-file", "--http-unix", "--unknown-deregister"};
    if (std::find(std::begin(known), std::end(known), flag) == std::end(known)) return "unknown flag " + flag;
    std::string value;
    if (inline_value) {
      value = *inline_value;
    } else {
      if (i + 1 >= args.size()) return "flag " + flag + " needs a value";
      value = args[++i];
    }
    if (flag == "--http" || flag == "--dns") {
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
    } else if (flag == "--acl-master-token") {
      if (value.empty()) return "bad value for --acl-master-token: empty token";
      out.fake.agent.acl_master_token = value;
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
  return out;
}

}  // namespace fakes::consul
