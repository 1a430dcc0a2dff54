#pragma once
// Where the tests find the source tree (fixed when the test is built) and the built programs
// (REG_BIN_DIR from ctest, so the asan and tsan trees test their own programs; the compile-time
// fallback keeps the tests runnable by hand).

#include <cstdlib>
#include <filesystem>

namespace regsim::test {

inline std::filesystem::path source_dir() {
  return REG_SOURCE_DIR;
}

inline std::filesystem::path bin_dir() {
  const char* dir = std::getenv("REG_BIN_DIR");
  return dir && *dir ? dir : REGSIM_TEST_BIN_DIR;
}

}  // namespace regsim::test
