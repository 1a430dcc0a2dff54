#pragma once
// Where the tests find the source tree and the built programs. ctest sets REG_SOURCE_DIR and
// REG_BIN_DIR; the compile-time fallbacks keep the tests runnable by hand (and cover a ctest
// setup where only the first ENVIRONMENT entry reaches the test).

#include <cstdlib>
#include <filesystem>

namespace regsim::test {

inline std::filesystem::path source_dir() {
  const char* dir = std::getenv("REG_SOURCE_DIR");
  return dir && *dir ? dir : REGSIM_TEST_SOURCE_DIR;
}

inline std::filesystem::path bin_dir() {
  const char* dir = std::getenv("REG_BIN_DIR");
  return dir && *dir ? dir : REGSIM_TEST_BIN_DIR;
}

}  // namespace regsim::test
