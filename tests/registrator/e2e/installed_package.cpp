#include "tests/registrator/e2e/installed_package.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "tests/support/process/child.hpp"

using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace regtest {
namespace {

// apt waits for the dpkg lock another apt run may hold instead of failing at once.
test_support::Command apt_get(std::vector<std::string> args) {
  std::vector<std::string> argv{"apt-get", "-y", "-q", "-o", "DPkg::Lock::Timeout=120", "--no-install-recommends"};
  argv.insert(argv.end(), args.begin(), args.end());
  return test_support::Command(argv).env("DEBIAN_FRONTEND", "noninteractive");
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

std::string dpkg_status(const std::string& package) {
  const auto r = test_support::run({"dpkg-query", "-W", "-f=${db:Status-Status}", package});
  if (r.exit_code != 0) return "unknown to dpkg";
  return r.output.empty() ? "unknown to dpkg" : r.output;
}

InstalledPackages::InstalledPackages(std::vector<std::string> debs) : debs_(std::move(debs)) {
  for (const auto& deb : debs_) {
    const auto name = test_support::run({"dpkg-deb", "-f", deb, "Package"});
    EXPECT_EQ(name.exit_code, 0) << name.output;
    names_.push_back(first_line(name.output));
    const std::string status = dpkg_status(names_.back());
    if (status != "unknown to dpkg" && status != "not-installed") {
      ADD_FAILURE() << "package " << names_.back() << " is already on this machine (dpkg: " << status
                    << "); this test installs and purges it and will not replace an admin's copy. Remove it "
                       "first: apt-get purge "
                    << names_.back();
      return;
    }
    // "-rwxr-xr-x root/root 856440 2026-12-06 09:03 ./usr/bin/registrator": the path is the last field.
    const auto contents = test_support::run({"dpkg-deb", "--contents", deb});
    EXPECT_EQ(contents.exit_code, 0) << contents.output;
    std::istringstream lines(contents.output);
    for (std::string line; std::getline(lines, line);) {
      const auto dot = line.find(" ./");
      if (dot == std::string::npos) continue;
      std::string path = line.substr(dot + 2);
      if (const auto arrow = path.find(" -> "); arrow != std::string::npos) path.resize(arrow);
      if (path.back() == '/') {
        path.pop_back();
        if (!path.empty() && !fs::exists(path)) new_dirs_.push_back(path);
      } else if (fs::exists(fs::symlink_status(path))) {
        ADD_FAILURE() << path << " (of package " << names_.back()
                      << ") exists already: a leftover of an earlier run or another package's file; remove it first";
        return;
      } else {
        files_.push_back(path);
      }
    }
  }
  ready_ = !files_.empty();
  EXPECT_TRUE(ready_) << "no files in the packages";
}

InstalledPackages::~InstalledPackages() {
  if (!installed_) return;
  std::vector<std::string> args{"purge"};
  args.insert(args.end(), names_.begin(), names_.end());
  test_support::run(apt_get(args), {.timeout = 180s});
}

bool InstalledPackages::install() {
  std::vector<std::string> args{"install"};
  for (const auto& deb : debs_) args.push_back(fs::absolute(deb).string());
  installed_ = true;  // a half-done install is purged too
  const auto r = test_support::run(apt_get(args), {.timeout = 180s});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  if (r.exit_code != 0) return false;
  for (const auto& name : names_) EXPECT_EQ(dpkg_status(name), "installed") << name;
  for (const auto& file : files_) EXPECT_TRUE(fs::exists(fs::symlink_status(file))) << file << " not installed";
  return !::testing::Test::HasFailure();
}

void InstalledPackages::purge_and_expect_no_trace() {
  std::vector<std::string> args{"purge"};
  args.insert(args.end(), names_.begin(), names_.end());
  const auto r = test_support::run(apt_get(args), {.timeout = 180s});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  installed_ = r.exit_code != 0;
  for (const auto& name : names_) {
    const std::string status = dpkg_status(name);
    EXPECT_TRUE(status == "unknown to dpkg" || status == "not-installed") << name << " after purge: " << status;
    const auto s = test_support::run({"dpkg", "-s", name});
    EXPECT_NE(s.exit_code, 0) << "dpkg -s " << name << " after purge:\n" << s.output;
  }
  for (const auto& file : files_) EXPECT_FALSE(fs::exists(fs::symlink_status(file))) << file << " left after purge";
  for (const auto& dir : new_dirs_) EXPECT_FALSE(fs::exists(dir)) << "directory " << dir << " left after purge";
}

}  // namespace regtest
