#pragma once
// What the in-process API suites share: ConsulApiTest (a fake-consul with default options),
// registrator's own registration body, and the key set of a JSON object for shape checks. The
// suites are files of one test program (fake_consul_api_test), so the fixture is one type.
#include "tests/fakes/consul/consul_fixture.hpp"

#include <set>
#include <string>

namespace consul_test {

// Exactly what registrator's consul adapter sends for one published port.
inline const std::string kRegistratorBody =
    R"({"ID":"host:web5:80","Name":"valami-80","Tags":[],"Port":80,"Address":"172.17.0.3","Meta":{}})";

inline std::set<std::string> keys_of(const json& object) {
  std::set<std::string> out;
  for (auto it = object.begin(); it != object.end(); ++it) out.insert(it.key());
  return out;
}

class ConsulApiTest : public ConsulFixture {
 protected:
  void SetUp() override { start(); }
};

}  // namespace consul_test
