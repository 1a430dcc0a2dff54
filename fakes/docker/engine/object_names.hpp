#pragma once
// The engine's rules for names: those a user chooses (containers, networks), and which network
// names are user-defined (where containers get DNS names and aliases). Shared by the parts of
// Engine that accept them and the views that print them.

#include <algorithm>
#include <string>

namespace fakes::docker {

/// [a-zA-Z0-9][a-zA-Z0-9_.-]+ as the engine requires.
inline bool valid_object_name(const std::string& name) {
  if (name.size() < 2) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  if (!alnum(name[0])) return false;
  return std::all_of(name.begin() + 1, name.end(), [&](char c) { return alnum(c) || c == '_' || c == '.' || c == '-'; });
}

/// Not one of the predefined networks (or "default", the bridge by another name).
inline bool is_user_defined_network(const std::string& name) {
  return !name.empty() && name != "bridge" && name != "host" && name != "none" && name != "default";
}

}  // namespace fakes::docker
