// The pure half of --netns: names, the address plan, the `ip` commands, which namespaces count
// as leftovers, and how a scenario's host addresses map onto the namespaces.
#include "scenarios/regsim/netns/netns_plan.hpp"
#include "scenarios/regsim/netns/netns_scenario.hpp"
#include "scenarios/regsim/language/scenario_loader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>


namespace regsim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(NetnsPlan, NamesEveryNamespaceAfterThePidAndNumbersHostsFromOne) {
  const auto plan = plan_netns(4242, {"host1", "host2", "db"});
  EXPECT_EQ(plan.hub, "regsim-4242-hub");
  EXPECT_EQ(plan.hub_address, "192.0.2.254");
  ASSERT_EQ(plan.hosts.size(), 3u);
  EXPECT_EQ(plan.hosts[0].netns, "regsim-4242-0");
  EXPECT_EQ(plan.hosts[0].address, "192.0.2.1");
  EXPECT_EQ(plan.hosts[2].name, "db");
  EXPECT_EQ(plan.hosts[2].address, "192.0.2.3");
  EXPECT_EQ(plan.hosts[2].veth, "vh2");
  ASSERT_NE(plan.find("host2"), nullptr);
  EXPECT_EQ(plan.find("host2")->address, "192.0.2.2");
  EXPECT_EQ(plan.find("nope"), nullptr);
  EXPECT_THAT(plan_namespaces(plan), ElementsAre("regsim-4242-0", "regsim-4242-1", "regsim-4242-2", "regsim-4242-hub"));
  EXPECT_EQ(netns_path(plan.hub), "/run/netns/regsim-4242-hub");
}

TEST(NetnsPlan, TwoHundredFiftyThreeHostsFitAndMoreAreAClearError) {
  std::vector<std::string> names(kMaxNetnsHosts, "h");
  const auto plan = plan_netns(1, names);
  EXPECT_EQ(plan.hosts.back().address, "192.0.2.253");
  names.push_back("one-too-many");
  try {
    plan_netns(1, names);
    FAIL() << "254 hosts were accepted";
  } catch (const NetnsPlanError& e) {
    EXPECT_THAT(e.what(), HasSubstr("at most 253 hosts"));
    EXPECT_THAT(e.what(), HasSubstr("got 254"));
  }
}

TEST(NetnsPlan, BatchesCreateNamespacesThenTheHubThenEachHost) {
  const auto batches = setup_batches(plan_netns(7, {"a", "b"}));
  ASSERT_EQ(batches.size(), 4u);
  EXPECT_EQ(batches[0].netns, "");
  EXPECT_THAT(batches[0].commands, ElementsAre("netns add regsim-7-hub", "netns add regsim-7-0", "netns add regsim-7-1"));
  EXPECT_EQ(batches[1].netns, "regsim-7-hub");
  EXPECT_THAT(batches[1].commands,
              ElementsAre("link set lo up", "link add br0 type bridge", "addr add 192.0.2.254/24 dev br0",
                          "link set br0 up", "link add vh0 type veth peer name eth0 netns regsim-7-0",
                          "link set vh0 master br0", "link set vh0 up",
                          "link add vh1 type veth peer name eth0 netns regsim-7-1", "link set vh1 master br0",
                          "link set vh1 up"));
  EXPECT_EQ(batches[3].netns, "regsim-7-1");
  EXPECT_THAT(batches[3].commands, ElementsAre("link set lo up", "addr add 192.0.2.2/24 dev eth0", "link set eth0 up"));
}

TEST(NetnsPlan, NoCommandAddsARouteOrTouchesRegsimsOwnNamespaceBeyondNetnsAdd) {
  for (const auto& batch : setup_batches(plan_netns(7, {"a", "b", "c"})))
    for (const auto& command : batch.commands) {
      EXPECT_THAT(command, ::testing::Not(HasSubstr("route"))) << command;
      EXPECT_THAT(command, ::testing::Not(HasSubstr("default"))) << command;
      if (batch.netns.empty()) {
        EXPECT_TRUE(command.starts_with("netns add regsim-7-")) << command;
      }
    }
}

TEST(NetnsPlan, OnlyRegsimsOwnNamesHaveAnOwner) {
  EXPECT_EQ(netns_owner("regsim-123-hub"), 123);
  EXPECT_EQ(netns_owner("regsim-123-0"), 123);
  EXPECT_EQ(netns_owner("regsim-123-252"), 123);
  EXPECT_EQ(netns_owner("regsim-123"), std::nullopt);
  EXPECT_EQ(netns_owner("regsim--hub"), std::nullopt);
  EXPECT_EQ(netns_owner("regsim-12x-hub"), std::nullopt);
  EXPECT_EQ(netns_owner("regsim-123-hubs"), std::nullopt);
  EXPECT_EQ(netns_owner("regsim-123-"), std::nullopt);
  EXPECT_EQ(netns_owner("myapp-123-hub"), std::nullopt);
  EXPECT_EQ(netns_owner("regsim-99999999999-hub"), std::nullopt);
}

TEST(ReplaceAddress, ReplacesWholeAddressesOnly) {
  EXPECT_EQ(replace_address("10.0.0.1", "10.0.0.1", "192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(replace_address("http://10.0.0.1:80/health", "10.0.0.1", "192.0.2.1"), "http://192.0.2.1:80/health");
  EXPECT_EQ(replace_address("10.0.0.12", "10.0.0.1", "192.0.2.1"), "10.0.0.12");
  EXPECT_EQ(replace_address("110.0.0.1", "10.0.0.1", "192.0.2.1"), "110.0.0.1");
  EXPECT_EQ(replace_address("10.0.0.1.5", "10.0.0.1", "192.0.2.1"), "10.0.0.1.5");
  EXPECT_EQ(replace_address("5.10.0.0.1", "10.0.0.1", "192.0.2.1"), "5.10.0.0.1");
  EXPECT_EQ(replace_address("10.0.0.1 and 10.0.0.1.", "10.0.0.1", "x"), "x and x.");
  EXPECT_EQ(replace_address("", "10.0.0.1", "x"), "");
}

Scenario load(const std::string& text) { return load_scenario_text(text, "netns.json"); }

TEST(ScenarioForNetns, DeclaredHostAddressesBecomeNamespaceAddressesInHostsAndExpectations) {
  const auto s = load(R"({"hosts": [
      {"name": "host1", "ip": "10.0.0.1"},
      {"name": "host2", "ip": "10.0.0.12"},
      {"name": "own", "ip": "10.0.0.3", "registrator": {"args": ["-ip=10.0.0.3"]}},
      {"name": "bare"}],
    "steps": [
      {"action": "run", "host": "host1", "name": "web", "image": "x"},
      {"action": "expect", "catalog": "web", "entries": [
         {"ServiceAddress": "10.0.0.1", "ServicePort": 80},
         {"ServiceAddress": "10.0.0.12"},
         {"ServiceAddress": "10.0.0.3"}]},
      {"action": "expect", "checks": "web", "entries": [{"Definition": {"HTTP": "http://10.0.0.12:80/"}}]},
      {"action": "expect", "dns": "web.service.dc1.consul", "answers": ["10.0.0.1", "10.0.0.12", "{{ip host1/web}}"]},
      {"action": "consul_register", "registration": {"ID": "x", "Name": "web", "Address": "10.0.0.1"}}]})");
  const auto mapped = scenario_for_netns(s, plan_netns(9, {"host1", "host2", "own", "bare"}));
  EXPECT_EQ(mapped.hosts[0].ip, "192.0.2.1");
  EXPECT_EQ(mapped.hosts[1].ip, "192.0.2.2");
  EXPECT_EQ(mapped.hosts[2].ip, "10.0.0.3") << "a host passing its own -ip keeps it";
  EXPECT_EQ(mapped.hosts[3].ip, "") << "a host without ip runs without -ip";

  const auto& catalog = std::get<CatalogCondition>(std::get<CheckAction>(mapped.steps[1].action).condition);
  EXPECT_EQ(catalog.entries[0]["ServiceAddress"], "192.0.2.1");
  EXPECT_EQ(catalog.entries[0]["ServicePort"], 80);
  EXPECT_EQ(catalog.entries[1]["ServiceAddress"], "192.0.2.2");
  EXPECT_EQ(catalog.entries[2]["ServiceAddress"], "10.0.0.3");
  const auto& checks = std::get<CatalogCondition>(std::get<CheckAction>(mapped.steps[2].action).condition);
  EXPECT_EQ(checks.entries[0]["Definition"]["HTTP"], "http://192.0.2.2:80/");
  const auto& dns = std::get<DnsCondition>(std::get<CheckAction>(mapped.steps[3].action).condition);
  EXPECT_THAT(dns.addresses, ElementsAre("192.0.2.1", "192.0.2.2", "{{ip host1/web}}"));
  EXPECT_EQ(std::get<ConsulAction>(mapped.steps[4].action).registration["Address"], "192.0.2.1");
  // The original is untouched.
  EXPECT_EQ(s.hosts[0].ip, "10.0.0.1");
}

}  // namespace
}  // namespace regsim
