#include "scenarios/regsim/run_options.hpp"

namespace regsim {

std::filesystem::path own_bin_dir() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::current_path() : exe.parent_path();
}

}  // namespace regsim
