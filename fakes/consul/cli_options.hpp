#pragma once
// Command line of the fake-consul executable.

#include "fakes/consul/fake_consul.hpp"

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace fakes::consul {

struct CliOptions {
  FakeConsulOptions fake;
  std::optional<std::string> ready_file;
  bool help = false;
};

/// The usage text printed for --help and after a bad flag.
std::string cli_usage();

/// Parses argv[1..]; the error is one line naming the bad flag or value.
std::variant<CliOptions, std::string> parse_cli(const std::vector<std::string>& args);

/// "127.0.0.1:8500" / "[::1]:8600" -> address and port; nullopt when malformed.
std::optional<std::pair<std::string, std::uint16_t>> parse_host_port(const std::string& text);

}  // namespace fakes::consul
