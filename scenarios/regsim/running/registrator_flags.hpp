#pragma once
// What regsim reads back from a host's registrator command line, so that the checks it makes
// agree with what that registrator was told to do.

#include "scenarios/regsim/language/scenario.hpp"

#include <string>
#include <vector>

namespace regsim {

/// True when `args` pass `flag` ("-ip", "-ip=1.2.3.4", "--ip": Go's flag package accepts one or
/// two dashes).
bool args_name_flag(const std::vector<std::string>& args, const std::string& flag);

/// The host part of the service IDs this host's registrator makes: the value of the scenario's
/// own -hostname ("-hostname=X", "--hostname X", ...), else the host's name (what regsim passes).
std::string registrator_hostname(const HostSpec& host);

}  // namespace regsim
