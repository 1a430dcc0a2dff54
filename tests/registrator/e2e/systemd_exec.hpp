#pragma once
// What systemd would run for a service unit, for tests on machines without systemd as PID 1:
// the unit's [Service] keys, its EnvironmentFile= read as systemd reads one, and ExecStart=
// split into words with $VAR / ${VAR} expanded from that environment (systemd.service(5),
// "Command lines"; systemd.exec(5), EnvironmentFile=).
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace regtest::systemd {

/// Every `Key=value` of the [Service] section, in order (a key may repeat).
std::vector<std::pair<std::string, std::string>> service_keys(const std::string& unit_text);

/// The value of the last `key=` in [Service], if any.
std::optional<std::string> service_key(const std::string& unit_text, const std::string& key);

/// KEY=VALUE lines of an environment file: blank lines and lines starting with # or ; skipped,
/// whitespace around key and value dropped, one pair of enclosing "..." or '...' removed.
std::map<std::string, std::string> read_environment_file(const std::string& text);

/// ExecStart's words after expansion: a word that is exactly `$NAME` becomes the value split at
/// whitespace (no word when empty), `${NAME}` anywhere becomes the value as it is, `$$` a `$`.
/// Unset variables are empty. The leading `-`, `+`, `!` prefixes are dropped; throws on `@`
/// (argv[0] override) and on an unterminated quote.
std::vector<std::string> expand_exec_start(const std::string& exec_start, const std::map<std::string, std::string>& env);

/// TimeoutStopSec= as a duration ("30s", "1min 30s", "90"); systemd's default, 90 s, when unset.
std::chrono::seconds timeout_stop(const std::string& unit_text);

}  // namespace regtest::systemd
