#include "tests/registrator/e2e/built_packages.hpp"

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace fs = std::filesystem;

namespace regtest {

BuiltPackages built_packages() {
  const char* bin = std::getenv("REG_BIN_DIR");
  const fs::path build = fs::path(bin ? bin : "bin").parent_path();
  const fs::path dir = build / "test-output" / "packages";
  BuiltPackages found;
  std::error_code error;
  for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (!name.ends_with(".deb")) continue;
    if (name.starts_with("registrator_")) found.registrator_deb = it->path().string();
    if (name.starts_with("registrator-harness_")) found.harness_deb = it->path().string();
  }
  if (found.registrator_deb.empty() || found.harness_deb.empty())
    found.problem = "no registrator_*.deb and registrator-harness_*.deb in " + dir.string() +
                    ": ctest makes them first (fixture test packages.cpack); by hand: cpack -G DEB --config " +
                    (build / "CPackConfig.cmake").string() + " -B " + dir.string();
  return found;
}

}  // namespace regtest
