#include "registrator/app/version.hpp"

namespace registrator {

std::string commit_text(const BuildInfo& info) {
  if (info.commit.empty()) return "unknown";
  return std::string(info.commit) + (info.dirty ? "-dirty" : "");
}

std::string version_text(const BuildInfo& info) {
  std::string out = std::string(kVersion) + "\ncommit " + commit_text(info);
  if (info.commit.empty()) out += " (built outside a git checkout)";
  else if (info.dirty) out += " (built with uncommitted changes)";
  return out + "\n";
}

}  // namespace registrator
