#pragma once
// A RegistryBackend double for registrator's suites: records every call ("register <id>",
// "deregister <id>", "refresh <id>"), fails chosen services (with an HTTP status, or 0 for no
// answer), and lists chosen external services for -cleanup.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "registrator/backends/registry.hpp"

namespace regtest {

using registrator::RegistryBackend;
using registrator::RegistryError;
using registrator::Service;

class RecordingRegistry : public RegistryBackend {
 public:
  std::vector<std::string> calls;  // "register <id>", "deregister <id>"
  std::set<std::string> fail_ids;
  std::vector<Service> external;

  // Service id -> how many more register / deregister calls fail (with fail_status; 0 = no answer).
  std::map<std::string, int> fail_register;
  std::map<std::string, int> fail_deregister;
  int fail_status = 500;

  void ping() override {}
  void register_service(const Service& s) override {
    calls.push_back("register " + s.id);
    if (fail_ids.count(s.id)) throw RegistryError("consul 127.0.0.1:1: Unexpected response code: 500 (nope)", 500);
    maybe_fail(fail_register, s.id);
  }
  void deregister(const Service& s) override {
    calls.push_back("deregister " + s.id);
    maybe_fail(fail_deregister, s.id);
  }
  void refresh(const Service& s) override { calls.push_back("refresh " + s.id); }
  std::vector<Service> services() override { return external; }

 private:
  void maybe_fail(std::map<std::string, int>& left, const std::string& id) {
    auto it = left.find(id);
    if (it == left.end() || it->second == 0) return;
    if (it->second > 0) --it->second;  // negative: fail forever
    if (fail_status == 0) throw RegistryError("consul 127.0.0.1:1: read: Connection reset by peer");
    throw RegistryError("consul 127.0.0.1:1: Unexpected response code: " + std::to_string(fail_status) + " (down)",
                        fail_status);
  }
};

}  // namespace regtest
