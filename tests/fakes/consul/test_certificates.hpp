#pragma once
// Certificates for the check tests, made by the openssl CLI in a test's directory: a
// self-signed certificate for 127.0.0.1, and a CA with a certificate it signed for the name
// checks.internal only (no IP address).
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/process/child.hpp"

namespace regtest {

struct Certificates {
  explicit Certificates(const std::filesystem::path& dir) : dir(dir) {
    const std::string d = dir.string();
    const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    std::ofstream(dir / "named.ext") << "subjectAltName=DNS:checks.internal\n";
    ok = test_support::run_shell("cd '" + d + "' && openssl req -x509 " + ec +
                   " -keyout self.key -out self.pem -days 2 -subj /CN=self -addext subjectAltName=IP:127.0.0.1" +
                   " && openssl req -x509 " + ec + " -keyout ca.key -out ca.pem -days 2 -subj /CN=checks-ca" +
                   " && openssl req " + ec + " -keyout named.key -out named.csr -subj /CN=checks.internal" +
                   " && openssl x509 -req -in named.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2" +
                   "    -extfile named.ext -out named.pem 2>&1")
             .exit_code == 0;
  }
  std::string file(const char* name) const { return (dir / name).string(); }
  std::filesystem::path dir;
  bool ok = false;
};

}  // namespace regtest
