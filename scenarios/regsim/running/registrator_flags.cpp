#include "scenarios/regsim/running/registrator_flags.hpp"

namespace regsim {

bool args_name_flag(const std::vector<std::string>& args, const std::string& flag) {
  for (const auto& a : args)
    for (const std::string dashes : {"-", "--"})
      if (a == dashes + flag || a.rfind(dashes + flag + "=", 0) == 0) return true;
  return false;
}

std::string registrator_hostname(const HostSpec& host) {
  const auto& args = host.registrator.args;
  // Go's flag package: the last occurrence wins.
  std::string value = host.name;
  for (std::size_t i = 0; i < args.size(); ++i)
    for (const std::string flag : {"-hostname", "--hostname"}) {
      if (args[i].rfind(flag + "=", 0) == 0) value = args[i].substr(flag.size() + 1);
      else if (args[i] == flag && i + 1 < args.size()) value = args[i + 1];
    }
  return value;
}

}  // namespace regsim
