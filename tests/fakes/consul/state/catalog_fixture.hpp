#pragma once
// The pure catalog under test: a Catalog on a manual clock with the agent's node1 in dc1, a
// counter of its writes, and registrations to feed it. Shared by the files of
// fake_consul_catalog_test.
#include "fakes/consul/state/catalog.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace catalog_test {

using namespace fakes::consul;
using namespace std::chrono_literals;

inline ServiceRegistration web(const std::string& id, int port, std::vector<std::string> tags = {}) {
  ServiceRegistration reg;
  reg.service.id = id;
  reg.service.name = "web";
  reg.service.address = "172.17.0.3";
  reg.service.port = port;
  reg.service.tags = std::move(tags);
  return reg;
}

inline CheckDefinition ttl_check(std::chrono::milliseconds ttl) {
  CheckDefinition def;
  def.type = "ttl";
  def.ttl = ttl;
  return def;
}

class ConsulCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    catalog.set_change_listener([this] { ++changes; });
    catalog.upsert_node("dc1", "node1", "127.0.0.1");
  }
  std::vector<const Check*> checks_of(const std::string& service_id) {
    const Node* node = catalog.find_node("dc1", "node1");
    return catalog.instance_checks(*node, node->services.at(service_id));
  }
  ManualClock clock;
  Catalog catalog{clock, "dc1"};
  int changes = 0;
};

}  // namespace catalog_test
