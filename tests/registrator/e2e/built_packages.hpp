#pragma once
// The .debs of this build tree, made once per ctest run by the fixture test `packages.cpack`
// (tests/registrator/CMakeLists.txt): cpack strips and compresses every program, which took a
// minute per package test under ASan when each test made its own.
#include <string>

namespace regtest {

struct BuiltPackages {
  std::string registrator_deb;  // registrator_VERSION_ARCH.deb
  std::string harness_deb;      // registrator-harness_VERSION_ARCH.deb
  std::string problem;          // empty when both were found; otherwise what is missing and how to make it
};

/// Looks for the packages in BUILD/test-output/packages (BUILD: REG_BIN_DIR's parent).
BuiltPackages built_packages();

}  // namespace regtest
