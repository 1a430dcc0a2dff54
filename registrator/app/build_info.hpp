#pragma once
// What the binary was built from. The definition of kBuildInfo is generated on every build by
// registrator/app/build_info.cmake (see registrator/CMakeLists.txt), so a rebuild after a commit
// names the new commit, not the one the tree was configured at.
#include <string_view>

namespace registrator {

struct BuildInfo {
  std::string_view commit;  ///< full git commit id; empty when built outside a git checkout
  bool dirty = false;       ///< tracked files differed from that commit when it was built
};

extern const BuildInfo kBuildInfo;

}  // namespace registrator
