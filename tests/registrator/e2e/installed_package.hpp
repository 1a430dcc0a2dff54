#pragma once
// A Debian package installed on this machine for one test and purged after it, as an admin does
// it (apt-get install ./file.deb, apt-get purge), with what the machine held before recorded so
// the test can show that purge leaves nothing behind.
#include <filesystem>
#include <string>
#include <vector>

namespace regtest {

class InstalledPackages {
 public:
  /// Records the files and directories the .debs would install; fails the test (and installs
  /// nothing) when one of the packages is installed already or one of its files exists.
  explicit InstalledPackages(std::vector<std::string> debs);
  /// Purges what this object installed, if the test did not.
  ~InstalledPackages();
  InstalledPackages(const InstalledPackages&) = delete;
  InstalledPackages& operator=(const InstalledPackages&) = delete;

  /// False when a precondition failed (the reason is a test failure already).
  bool ready() const { return ready_; }
  /// apt-get install of every .deb at once (one transaction: a file conflict fails it).
  bool install();
  /// apt-get purge of every package; then every file and every directory the packages added is
  /// gone and dpkg knows none of them. Failures are test failures naming what is left.
  void purge_and_expect_no_trace();

  const std::vector<std::string>& names() const { return names_; }
  /// Absolute paths of the regular files (and symlinks) the packages hold.
  const std::vector<std::string>& files() const { return files_; }

 private:
  std::vector<std::string> debs_;
  std::vector<std::string> names_;
  std::vector<std::string> files_;
  std::vector<std::string> new_dirs_;  // directories of the packages that did not exist before
  bool ready_ = false;
  bool installed_ = false;
};

/// "installed" when dpkg has the package installed; otherwise dpkg-query's words for its state.
std::string dpkg_status(const std::string& package);

}  // namespace regtest
