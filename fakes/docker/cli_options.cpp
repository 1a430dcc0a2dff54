#include "fakes/docker/cli_options.hpp"

#include <algorithm>
#include <cctype>

#include "fakes/docker/state_snapshot.hpp"

namespace fakes::docker {

std::string usage_text() {
  return "usage: fake-docker --socket PATH [--tcp ADDR:PORT] [--images FILE] [--state FILE] [--api-version V]\n"
         "                   [--min-api-version V] [--bridge-subnet CIDR] [--seed N] [--event-history N]\n"
         "                   [--ready-file PATH]\n"
         "                   [--host NAME=PATH]...\n"
         "  --socket PATH        serve the Docker API on this unix socket\n"
         "  --host NAME=PATH     another simulated host in this process: an engine of its own on this socket\n"
         "                       (repeatable; --socket may then be left out)\n"
         "  --tcp ADDR:PORT      also serve it on TCP (port 0 = any free port)\n"
         "  --images FILE        JSON: image name -> config as in `docker image inspect` .Config\n"
         "                       (ExposedPorts, Env, Labels, Cmd, Entrypoint); unlisted images\n"
         "                       behave as pulled images with an empty config\n"
         "  --state FILE         start with the containers of a real host: the JSON array that\n"
         "                       `docker inspect $(docker ps -aq)` prints there (names, IDs, config,\n"
         "                       ports, networks, addresses; running ones run)\n"
         "  --bridge-subnet CIDR the default bridge network, 172.N.0.0/16 with N from 16 to 31\n"
         "                       (default 172.17.0.0/16: gateway 172.17.0.1, as docker0)\n"
         "  --api-version V      highest API version served and advertised (default 1.47)\n"
         "  --min-api-version V  lowest API version accepted (default 1.24)\n"
         "  --seed N             seed for container/network ids (default 1)\n"
         "  --event-history N    events kept for since/until replay (default 256)\n"
         "  --ready-file PATH    once listening, write {\"socket\":...,\"tcp\":\"ADDR:PORT\"} here\n";
}

namespace {

std::uint64_t parse_unsigned(const std::string& flag, const std::string& value) {
  if (value.empty() || value.size() > 19 || value.find_first_not_of("0123456789") != std::string::npos)
    throw UsageError("invalid value for " + flag + ": \"" + value + "\" is not a non-negative integer");
  return std::stoull(value);
}

// "172.N.0.0/16": the engine's default address pools are the /16s of 172.16.0.0/12, and the
// fake hands out whole /16s, so only those are accepted.
int parse_bridge_subnet(const std::string& flag, const std::string& value) {
  const std::string prefix = "172.", suffix = ".0.0/16";
  const auto bad = [&] {
    return UsageError("invalid value for " + flag + ": \"" + value + "\" (want 172.N.0.0/16 with N from 16 to 31)");
  };
  if (!value.starts_with(prefix) || !value.ends_with(suffix) || value.size() <= prefix.size() + suffix.size()) throw bad();
  const auto n = value.substr(prefix.size(), value.size() - prefix.size() - suffix.size());
  if (n.size() > 2 || n.find_first_not_of("0123456789") != std::string::npos) throw bad();
  const int octet = std::stoi(n);
  if (octet < 16 || octet > 31) throw bad();
  return octet;
}

ApiVersion parse_version(const std::string& flag, const std::string& value) {
  auto v = ApiVersion::parse(value);
  if (!v) throw UsageError("invalid value for " + flag + ": \"" + value + "\" is not a version like 1.47");
  return *v;
}

}  // namespace

CliOptions parse_cli(const std::vector<std::string>& args) {
  CliOptions out;
  bool have_socket = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i], value;
    bool inline_value = false;
    if (auto eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
      inline_value = true;
    }
    if (flag == "--help" || flag == "-h") {
      out.help = true;
      continue;
    }
    static const char* const with_value[] = {"--socket", "--tcp",           "--images", "--state",
                                             "--api-version", "--min-api-version", "--seed", "--event-history",
                                             "--ready-file", "--host", "--bridge-subnet"};
    bool known = false;
    for (const char* f : with_value) known = known || flag == f;
    if (!known) throw UsageError("unknown flag: " + flag);
    if (!inline_value) {
      if (i + 1 >= args.size()) throw UsageError("flag " + flag + " needs a value");
      value = args[++i];
    }
    if (flag == "--socket") {
      if (value.empty()) throw UsageError("invalid value for --socket: empty path");
      out.fake.socket_path = value;
      have_socket = true;
    } else if (flag == "--tcp") {
      auto colon = value.rfind(':');
      if (colon == std::string::npos || colon == 0)
        throw UsageError("invalid value for --tcp: \"" + value + "\" is not ADDR:PORT");
      auto port = parse_unsigned("--tcp", value.substr(colon + 1));
      if (port > 65535) throw UsageError("invalid value for --tcp: port " + std::to_string(port) + " is out of range");
      out.fake.tcp_host = value.substr(0, colon);
      out.fake.tcp_port = static_cast<std::uint16_t>(port);
    } else if (flag == "--images") {
      try {
        out.fake.images = ImageCatalog::from_file(value);
      } catch (const ImageCatalogError& e) {
        throw UsageError(e.what());
      }
    } else if (flag == "--state") {
      try {
        out.fake.state = load_state_file(value);
      } catch (const StateFileError& e) {
        throw UsageError(std::string("invalid --state file ") + e.what());
      }
    } else if (flag == "--bridge-subnet") {
      out.fake.bridge_octet = parse_bridge_subnet(flag, value);
    } else if (flag == "--api-version") {
      out.fake.api_version = parse_version(flag, value);
    } else if (flag == "--min-api-version") {
      out.fake.min_api_version = parse_version(flag, value);
    } else if (flag == "--seed") {
      out.fake.seed = parse_unsigned(flag, value);
    } else if (flag == "--event-history") {
      out.fake.event_history = parse_unsigned(flag, value);
    } else if (flag == "--ready-file") {
      out.ready_file = value;
    } else if (flag == "--host") {
      const auto eq = value.find('=');
      const std::string name = eq == std::string::npos ? "" : value.substr(0, eq);
      const bool simple = !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '_' || c == '.';
      });
      if (!simple || eq + 1 >= value.size())
        throw UsageError("invalid value for --host: \"" + value + "\" is not NAME=SOCKET-PATH");
      for (const auto& [known, path] : out.hosts)
        if (known == name) throw UsageError("invalid value for --host: host \"" + name + "\" given twice");
      out.hosts.emplace_back(name, value.substr(eq + 1));
    }
  }
  if (out.help) return out;
  if (!have_socket && out.hosts.empty()) throw UsageError("missing required flag --socket (or --host NAME=PATH)");
  if (out.fake.min_api_version > out.fake.api_version)
    throw UsageError("--min-api-version " + out.fake.min_api_version.to_string() + " is above --api-version " +
                     out.fake.api_version.to_string());
  return out;
}

}  // namespace fakes::docker
