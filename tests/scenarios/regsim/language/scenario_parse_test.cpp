// The scenario parser: valid files give the model; every schema error names the JSON path (and
// the line) of what was wrong.
#include "scenarios/regsim/running/scenario_environment.hpp"
#include "scenarios/regsim/language/scenario_loader.hpp"
#include "scenarios/regsim/running/steps/wait_steps.hpp"

#include "tests/scenarios/regsim/language/load_error.hpp"

#include "tests/scenarios/regsim/test_paths.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

namespace regsim {
namespace {

using ::testing::HasSubstr;
using test::load_error;

// A minimal valid scenario; tests splice in the part they are about.
std::string scenario_with_steps(const std::string& steps, const std::string& hosts = R"([{"name": "host1"}])") {
  return R"({"name": "t", "hosts": )" + hosts + R"(, "steps": )" + steps + "}";
}

const std::string run_web5 =
    R"({"action": "run", "name": "web5", "image": "test", "env": {"SERVICE_NAME": "valami"}, "publish": ["7679:80"]})";

TEST(ScenarioParse, ShippedSeedScenariosAreValid) {
  for (const char* file : {"seed-single-host.json", "seed-multi-host.json"}) {
    const auto s = load_scenario(test::source_dir() / "scenarios" / file);
    EXPECT_FALSE(s.steps.empty()) << file;
  }
}

TEST(ScenarioParse, ReadsTheWholeModel) {
  const auto s = load_scenario_text(R"({
    "name": "demo", "description": "d",
    "consul": {"datacenter": "dc2", "node": "n9"},
    "images": {"test": {"ExposedPorts": {"80/tcp": {}}}},
    "hosts": [{"name": "host1", "ip": "10.0.0.1", "registrator": {"binary": "bin/reg", "args": ["-internal"]}}],
    "steps": [
      {"action": "run", "name": "web5", "image": "test", "env": ["A=1", "B=x=y"], "labels": {"type": "frontend"},
       "publish": ["7679:80", "127.0.0.1::53/udp"], "network": "bridge"},
      {"action": "expect", "catalog": "valami", "match": "contains", "within": "2.5s",
       "entries": [{"ServiceAddress": "{{ip host1/web5}}", "ServicePort": 80}]},
      {"action": "wait_for", "dns": "valami.service.dc2.consul", "type": "SRV", "answers": [{"port": 80}]},
      {"action": "exit", "container": "web5", "code": 3},
      {"action": "expect", "container": "web5", "state": "exited", "exit_code": 3},
      {"action": "wait", "duration": "100ms"}
    ]})", "/some/dir/demo.json");
  EXPECT_EQ(s.name, "demo");
  EXPECT_EQ(s.consul.datacenter, "dc2");
  EXPECT_EQ(s.consul.node, "n9");
  ASSERT_EQ(s.hosts.size(), 1u);
  EXPECT_EQ(s.hosts[0].ip, "10.0.0.1");
  EXPECT_EQ(s.hosts[0].registrator.binary, "/some/dir/bin/reg") << "relative to the scenario file";
  ASSERT_EQ(s.steps.size(), 6u);
  const auto& run = std::get<RunAction>(s.steps[0].action);
  EXPECT_EQ(run.host, "host1") << "the only host is the default";
  ASSERT_EQ(run.env.size(), 2u);
  EXPECT_EQ(run.env[1].first, "B");
  EXPECT_EQ(run.env[1].second, "x=y");
  ASSERT_EQ(run.publish.size(), 2u);
  EXPECT_EQ(run.publish[1].host_ip, "127.0.0.1");
  EXPECT_EQ(run.publish[1].host_port, "");
  EXPECT_EQ(run.publish[1].port_key(), "53/udp");
  const auto& catalog = std::get<CheckAction>(s.steps[1].action);
  EXPECT_FALSE(catalog.wait_for);
  EXPECT_EQ(catalog.within, std::chrono::milliseconds(2500));
  EXPECT_EQ(std::get<CatalogCondition>(catalog.condition).match, MatchMode::contains);
  const auto& dns = std::get<CheckAction>(s.steps[2].action);
  EXPECT_TRUE(dns.wait_for);
  EXPECT_EQ(dns.within, std::chrono::milliseconds(5000)) << "default deadline";
  EXPECT_EQ(std::get<ContainerAction>(s.steps[3].action).exit_code, 3);
  EXPECT_EQ(std::get<PauseAction>(s.steps[5].action).duration, std::chrono::milliseconds(100));
  EXPECT_EQ(s.steps[1].line, 9);
}

TEST(ScenarioParse, DaemonActions) {
  const auto s = load_scenario_text(scenario_with_steps(R"([
      {"action": "restart_docker", "downtime": "300ms", "live_restore": true},
      {"action": "drop_events"}, {"action": "stop_registrator"}, {"action": "start_registrator"},
      {"action": "restart_registrator", "host": "host1"}])"), "d.json");
  ASSERT_EQ(s.steps.size(), 5u);
  const auto& restart = std::get<DaemonAction>(s.steps[0].action);
  EXPECT_EQ(restart.op, DaemonOp::restart_docker);
  EXPECT_EQ(restart.downtime, std::chrono::milliseconds(300));
  EXPECT_TRUE(restart.live_restore);
  EXPECT_EQ(std::get<DaemonAction>(s.steps[4].action).op, DaemonOp::restart_registrator);
  EXPECT_THAT(load_error(scenario_with_steps(R"([{"action": "drop_events", "downtime": "1s"}])")),
              HasSubstr("steps[0].downtime: unknown key"));
  EXPECT_THAT(load_error(scenario_with_steps(R"([{"action": "restart_docker", "live_restore": "yes"}])")),
              HasSubstr("steps[0].live_restore: expected true or false, got \"yes\""));
}

TEST(ScenarioParse, ChecksConditionReadsTheServicesHealthChecks) {
  const auto s = load_scenario_text(scenario_with_steps(R"([
      {"action": "expect", "checks": "valami", "match": "contains", "entries": [{"Status": "passing"}]},
      {"action": "expect", "catalog": "valami", "entries": []}])"), "c.json");
  ASSERT_EQ(s.steps.size(), 2u);
  const auto& checks = std::get<CatalogCondition>(std::get<CheckAction>(s.steps[0].action).condition);
  EXPECT_EQ(checks.list, RegistryList::health_checks);
  EXPECT_EQ(checks.service, "valami");
  EXPECT_EQ(checks.match, MatchMode::contains);
  ASSERT_EQ(checks.entries.size(), 1u);
  EXPECT_EQ(checks.entries[0], nlohmann::json({{"Status", "passing"}}));
  EXPECT_EQ(std::get<CatalogCondition>(std::get<CheckAction>(s.steps[1].action).condition).list,
            RegistryList::catalog_service);
}

TEST(ScenarioParse, EtcdRegistryAndKeysCondition) {
  const auto s = load_scenario_text(R"({"registry": {"backend": "etcd", "path": "/svc"}, "hosts": [{"name": "host1"}],
      "steps": [{"action": "expect", "keys": "/svc/web", "entries": [{"Key": "/svc/web/host1:web:80", "LeaseTTL": 3}]}]})",
                                    "e.json");
  EXPECT_EQ(s.registry.backend, RegistryBackend::etcd);
  EXPECT_EQ(s.registry.path, "/svc");
  const auto& keys = std::get<CatalogCondition>(std::get<CheckAction>(s.steps[0].action).condition);
  EXPECT_EQ(keys.list, RegistryList::etcd_keys);
  EXPECT_EQ(keys.service, "/svc/web");
  EXPECT_EQ(keys.entries[0], nlohmann::json({{"Key", "/svc/web/host1:web:80"}, {"LeaseTTL", 3}}));

  EXPECT_EQ(load_scenario_text(R"({"registry": {"backend": "etcd"}, "hosts": [{"name": "h"}], "steps": []})", "e.json")
                .registry.path,
            "/services");
  const auto sky =
      load_scenario_text(R"({"registry": {"backend": "skydns2"}, "hosts": [{"name": "h"}], "steps": []})", "s.json");
  EXPECT_EQ(sky.registry.backend, RegistryBackend::skydns2);
  EXPECT_EQ(sky.registry.path, "skydns.local");
  EXPECT_EQ(load_scenario_text(scenario_with_steps("[]"), "c.json").registry.backend, RegistryBackend::consul);
}

TEST(ScenarioParse, SeveralDatacenters) {
  const auto s = load_scenario_text(R"({"consul": {"datacenters": ["dc1", "dc2"]},
      "hosts": [{"name": "a"}, {"name": "b", "datacenter": "dc2"}, {"name": "c", "datacenter": "dc1"}],
      "steps": [
        {"action": "expect", "catalog": "web", "datacenter": "dc2", "entries": []},
        {"action": "expect", "dns": "web.service.dc2.consul", "datacenter": "dc2", "answers": []},
        {"action": "expect", "checks": "web", "entries": []},
        {"action": "restart_consul", "datacenter": "dc2"}]})",
                                    "d.json");
  EXPECT_EQ(s.consul.datacenters, (std::vector<std::string>{"dc1", "dc2"}));
  EXPECT_EQ(s.consul.datacenter, "dc1");
  EXPECT_EQ(s.hosts[0].datacenter, "");
  EXPECT_EQ(s.hosts[1].datacenter, "dc2");
  EXPECT_EQ(s.hosts[2].datacenter, "") << "the first datacenter is the default, named or not";
  EXPECT_EQ(std::get<CatalogCondition>(std::get<CheckAction>(s.steps[0].action).condition).datacenter, "dc2");
  EXPECT_EQ(std::get<DnsCondition>(std::get<CheckAction>(s.steps[1].action).condition).datacenter, "dc2");
  EXPECT_EQ(std::get<CatalogCondition>(std::get<CheckAction>(s.steps[2].action).condition).datacenter, "");
  EXPECT_EQ(std::get<ConsulAction>(s.steps[3].action).datacenter, "dc2");
  EXPECT_EQ(check_label(std::get<CheckAction>(s.steps[0].action)), "catalog web in dc2");

  EXPECT_THAT(load_error(R"({"consul": {"datacenters": ["dc1"]}, "hosts": [{"name": "a", "datacenter": "dc9"}], "steps": []})"),
              HasSubstr("hosts[0].datacenter: no datacenter \"dc9\" (the consul section declares dc1)"));
  EXPECT_THAT(load_error(R"({"consul": {"datacenter": "dc1", "datacenters": ["dc1"]}, "hosts": [{"name": "a"}], "steps": []})"),
              HasSubstr("consul.datacenters: give \"datacenter\" (one) or \"datacenters\" (several), not both"));
  EXPECT_THAT(load_error(R"({"consul": {"datacenters": ["dc1", "dc1"]}, "hosts": [{"name": "a"}], "steps": []})"),
              HasSubstr("consul.datacenters[1]: duplicate datacenter \"dc1\""));
  EXPECT_THAT(load_error(scenario_with_steps(R"([{"action": "expect", "container": "x", "state": "running", "datacenter": "dc1"}])")),
              HasSubstr("only catalog, checks and dns conditions are asked of a datacenter"));
}

TEST(ScenarioParse, HostDockerOptionsAndConsulDnsOptions) {
  const auto s = load_scenario_text(R"({"consul": {"dns": {"domain": "example", "alt_domain": "alt.example",
        "node_ttl": "5s", "service_ttl": {"web": "30s", "*": "1s"}, "udp_answer_limit": 2, "a_record_limit": 1,
        "only_passing": true, "enable_truncate": true}},
      "hosts": [{"name": "a", "docker": {"api_version": "1.52", "min_api_version": "1.40",
                                         "bridge_subnet": "172.20.0.0/16", "images": {"api": {"Env": ["X=1"]}}}}],
      "steps": []})",
                                    "o.json");
  EXPECT_EQ(fake_docker_host_args(s.hosts[0].docker),
            (std::vector<std::string>{"--api-version=1.52", "--min-api-version=1.40", "--bridge-subnet=172.20.0.0/16"}));
  EXPECT_EQ(s.hosts[0].docker.images["api"]["Env"][0], "X=1");
  EXPECT_EQ(fake_consul_dns_args(s.consul.dns),
            (std::vector<std::string>{"--dns-domain=example", "--dns-alt-domain=alt.example", "--dns-node-ttl=5s",
                                      "--dns-service-ttl=*=1s", "--dns-service-ttl=web=30s", "--dns-udp-answer-limit=2",
                                      "--dns-a-record-limit=1", "--dns-only-passing", "--dns-enable-truncate"}));
  EXPECT_TRUE(fake_consul_dns_args(ConsulSpec::Dns{}).empty()) << "Consul's defaults are fake-consul's";

  const std::string host = R"({"hosts": [{"name": "a", "docker": )";
  EXPECT_THAT(load_error(host + R"({"api_version": "1.x"}}], "steps": []})"),
              HasSubstr("hosts[0].docker.api_version: expected an API version like \"1.44\", got \"1.x\""));
  EXPECT_THAT(load_error(host + R"({"bridge_subnet": "10.0.0.0/8"}}], "steps": []})"),
              HasSubstr("hosts[0].docker.bridge_subnet: expected 172.N.0.0/16 with N from 16 to 31, got \"10.0.0.0/8\""));
  EXPECT_THAT(load_error(host + R"({"registry": "x"}}], "steps": []})"), HasSubstr("hosts[0].docker.registry"));
  const std::string dns = R"({"hosts": [{"name": "a"}], "steps": [], "consul": {"dns": )";
  EXPECT_THAT(load_error(dns + R"({"service_ttl": {"web": "forever"}}}})"),
              HasSubstr("consul.dns.service_ttl.web: expected a duration"));
  EXPECT_THAT(load_error(dns + R"({"domain": "bad domain"}}})"),
              HasSubstr("consul.dns.domain: expected a domain name such as \"consul\", got \"bad domain\""));
  EXPECT_THAT(load_error(dns + R"({"udp_answer_limit": 0}}})"), HasSubstr("consul.dns.udp_answer_limit"));
}

TEST(ScenarioParse, ACatalogIsAskedViaAnotherDatacentersConsul) {
  const auto s = load_scenario_text(R"({"consul": {"datacenters": ["dc1", "dc2"]},
      "hosts": [{"name": "a"}, {"name": "b", "datacenter": "dc2"}],
      "steps": [
        {"action": "expect", "catalog": "web", "datacenter": "dc2", "via": "dc1", "entries": []},
        {"action": "expect", "checks": "web", "datacenter": "dc1", "via": "dc2", "entries": []}]})",
                                    "v.json");
  const auto& to_dc2 = std::get<CatalogCondition>(std::get<CheckAction>(s.steps[0].action).condition);
  EXPECT_EQ(to_dc2.datacenter, "dc2");
  EXPECT_EQ(to_dc2.via, "dc1");
  const auto& to_dc1 = std::get<CatalogCondition>(std::get<CheckAction>(s.steps[1].action).condition);
  EXPECT_EQ(to_dc1.datacenter, "dc1") << "asked via another datacenter, even the first is named (?dc=dc1)";
  EXPECT_EQ(to_dc1.via, "dc2");
  EXPECT_EQ(check_label(std::get<CheckAction>(s.steps[0].action)), "catalog web in dc2 asked of dc1");

  const std::string two = R"({"consul": {"datacenters": ["dc1", "dc2"]}, "hosts": [{"name": "a"}], "steps": [)";
  EXPECT_THAT(load_error(two + R"({"action": "expect", "catalog": "web", "via": "dc2", "entries": []}]})"),
              HasSubstr("steps[0].via: \"via\" asks another datacenter's Consul about \"datacenter\": give both"));
  EXPECT_THAT(load_error(two + R"({"action": "expect", "catalog": "web", "datacenter": "dc2", "via": "dc3", "entries": []}]})"),
              HasSubstr("steps[0].via: no datacenter \"dc3\" (the consul section declares dc1, dc2)"));
  EXPECT_THAT(load_error(two + R"({"action": "expect", "dns": "web.service.consul", "datacenter": "dc2", "via": "dc1", "answers": []}]})"),
              HasSubstr("steps[0].via: only catalog and checks conditions are asked via another datacenter"));
}

TEST(ScenarioParse, ChurnStepAndRunningCheck) {
  const auto s = load_scenario_text(scenario_with_steps(R"([
      {"action": "churn", "group": "web", "image": "test", "env": {"SERVICE_NAME": "w"}, "containers": 300,
       "per_second": 50, "lifetime": ["100ms", "2s"], "survivors_percent": 10, "seed": 9},
      {"action": "expect", "running": "web", "service": "w", "port": 80, "within": "10s"}])"), "c.json");
  ASSERT_EQ(s.steps.size(), 2u);
  const auto& c = std::get<ChurnAction>(s.steps[0].action);
  EXPECT_EQ(c.container.host, "host1");
  EXPECT_EQ(c.container.name, "web");
  EXPECT_EQ(c.container.image, "test");
  EXPECT_EQ(c.count, 300);
  EXPECT_EQ(c.per_second, 50);
  EXPECT_EQ(c.lifetime_min, Duration(100));
  EXPECT_EQ(c.lifetime_max, Duration(2000));
  EXPECT_EQ(c.survivors_percent, 10);
  EXPECT_EQ(c.seed, 9u);
  const auto& g = std::get<RunningGroupCondition>(std::get<CheckAction>(s.steps[1].action).condition);
  EXPECT_EQ(g.group, "web");
  EXPECT_EQ(g.service, "w");
  EXPECT_EQ(g.port, 80);
}

TEST(ScenarioParse, NameDefaultsToTheFileStem) {
  EXPECT_EQ(load_scenario_text(R"({"hosts": [{"name": "h"}], "steps": []})", "dir/my-case.json").name, "my-case");
}

TEST(ScenarioParse, PublishErrorNamesPathLineAndValue) {
  const auto text = "{\n\"hosts\": [{\"name\": \"host1\"}],\n\"steps\": [\n" + run_web5 + ",\n" + run_web5 + ",\n" +
                    R"({"action": "run", "name": "web6", "image": "test",
                        "publish": ["x"]})" + "\n]}";
  const auto error = load_error(text);
  EXPECT_THAT(error, HasSubstr("test.json:7: steps[2].publish[0]: expected \"HOSTPORT:CONTAINERPORT\""));
  EXPECT_THAT(error, HasSubstr("got \"x\""));
}

TEST(ScenarioParse, EveryErrorNamesItsJsonPath) {
  struct Case {
    std::string text;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {R"([1, 2])", "(top level): expected an object, got an array"},
      {R"({"steps": []})", "hosts: required array is missing"},
      {R"({"hosts": [], "steps": []})", "hosts: at least one host is required"},
      {R"({"hosts": [{"name": "host1"}]})", "steps: required array is missing"},
      {R"({"hosts": [{"name": "host1"}], "steps": [], "colour": 1})", "colour: unknown key"},
      {R"({"hosts": [{"name": "a b"}], "steps": []})", "hosts[0].name: expected letters"},
      {R"({"hosts": [{"name": "h"}, {"name": "h"}], "steps": []})", "hosts[1].name: duplicate host name \"h\""},
      {R"({"hosts": [{"name": "h", "ip": "10.0.0"}], "steps": []})", "hosts[0].ip: expected an IPv4 address, got \"10.0.0\""},
      {R"({"hosts": [{"name": "h", "registrator": {"args": ["-x", 5]}}], "steps": []})",
       "hosts[0].registrator.args[1]: expected a string, got the number 5"},
      {R"({"hosts": [{"name": "h"}], "steps": [], "images": {"test": []}})", "images.test: expected an image config object"},
      {R"({"hosts": [{"name": "h"}], "steps": [], "consul": {"node": 7}})", "consul.node: expected a string, got the number 7"},
      {R"({"hosts": [{"name": "h"}], "steps": [], "default_within": 5})", "default_within: expected a duration like \"5s\""},
      {R"({"hosts": [{"name": "h"}], "steps": [], "registry": {"backend": "zookeeper"}})",
       "registry.backend: expected one of consul, etcd, skydns2, got \"zookeeper\""},
      {R"({"hosts": [{"name": "h"}], "steps": [], "registry": {"backend": "skydns2", "path": "a/b"}})",
       "registry.path: expected a DNS domain like \"skydns.local\", got \"a/b\""},
      {R"({"hosts": [{"name": "h"}], "steps": [], "registry": {"path": "/x"}})",
       "registry.path: only the etcd and skydns2 backends take a path"},
      {scenario_with_steps(R"([{"action": "expect", "keys": "/services", "entries": []}])"),
       "steps[0].keys: \"keys\" reads etcd: it needs \"registry\": {\"backend\": \"etcd\"}"},
      {scenario_with_steps(R"([{"name": "web5"}])"), "steps[0].action: required string is missing"},
      {scenario_with_steps(R"([{"action": "launch"}])"), "steps[0].action: expected one of run, churn, network_create, network_connect, network_disconnect, start, stop"},
      {scenario_with_steps(R"([{"action": "run", "image": "test"}])"), "steps[0].name: required string is missing"},
      {scenario_with_steps(R"([{"action": "run", "name": "web5", "image": "test", "env": "A=1"}])"),
       "steps[0].env: expected an object {\"KEY\": \"VALUE\"} or an array"},
      {scenario_with_steps(R"([{"action": "run", "name": "web5", "image": "test", "env": ["A"]}])"),
       "steps[0].env[0]: expected \"KEY=VALUE\", got \"A\""},
      {scenario_with_steps(R"([{"action": "run", "name": "web5", "image": "test", "labels": {"a": 1}}])"),
       "steps[0].labels.a: expected a string, got the number 1"},
      {scenario_with_steps(R"([{"action": "run", "name": "web5", "image": "test", "publish": ["70000:80"]}])"),
       "steps[0].publish[0]: expected \"HOSTPORT:CONTAINERPORT\""},
      {scenario_with_steps(R"([{"action": "run", "name": "web5", "image": "test", "pubish": []}])"),
       "steps[0].pubish: unknown key"},
      {scenario_with_steps(R"([{"action": "stop", "container": "web5"}])"),
       "steps[0].container: no earlier step runs a container \"web5\" on host1"},
      {scenario_with_steps("[" + run_web5 + R"(, {"action": "exit", "container": "web5"}])"),
       "steps[1].code: required exit code (0..255) is missing"},
      {scenario_with_steps("[" + run_web5 + R"(, {"action": "exit", "container": "web5", "code": 300}])"),
       "steps[1].code: expected an integer in 0..255, got 300"},
      {scenario_with_steps(R"([{"action": "wait"}])"), "steps[0].duration: required value is missing"},
      {scenario_with_steps(R"([{"action": "wait", "duration": "5"}])"), "steps[0].duration: expected a duration"},
      {scenario_with_steps(R"([{"action": "expect", "entries": []}])"),
       "steps[0]: expected exactly one of \"catalog\", \"checks\", \"keys\", \"dns\", \"container\" or \"running\""},
      {scenario_with_steps(R"([{"action": "churn", "group": "web", "image": "test", "per_second": 10, "lifetime": ["1s", "2s"]}])"),
       "steps[0].containers: required number of containers (1..100000) is missing"},
      {scenario_with_steps(R"([{"action": "churn", "group": "web", "image": "test", "containers": 5, "per_second": 10, "lifetime": ["1s"]}])"),
       "steps[0].lifetime: expected [\"MIN\", \"MAX\"]"},
      {scenario_with_steps(R"([{"action": "churn", "group": "web", "image": "test", "containers": 5, "per_second": 10, "lifetime": ["2s", "1s"]}])"),
       "steps[0].lifetime[1]: the longest lifetime is shorter than the shortest"},
      {scenario_with_steps(R"([{"action": "churn", "group": "w", "image": "test", "containers": 5, "per_second": 10, "lifetime": ["1s", "2s"]}])"),
       "steps[0].group: expected a Docker container name"},
      {scenario_with_steps(R"([{"action": "churn", "group": "web", "image": "test", "containers": 5, "per_second": 0, "lifetime": ["1s", "2s"]}])"),
       "steps[0].per_second: expected an integer in 1..100000, got 0"},
      {scenario_with_steps(R"([{"action": "network_connect", "network": "backend", "container": "web5"}])"),
       "steps[0].network: no earlier network_create step makes \"backend\" on host1"},
      {scenario_with_steps(R"([{"action": "network_create", "network": "backend"}, {"action": "network_connect", "network": "backend", "container": "web9"}])"),
       "steps[1].container: no earlier step runs a container \"web9\" on host1"},
      {scenario_with_steps(R"([{"action": "network_create", "network": "a b"}])"),
       "steps[0].network: expected a Docker container name"},
      {scenario_with_steps(R"([{"action": "expect", "running": "web", "service": "s", "port": 80}])"),
       "steps[0].running: no earlier churn step starts a group \"web\" on host1"},
      {scenario_with_steps(R"([{"action": "expect", "catalog": "valami", "checks": "valami", "entries": []}])"),
       "steps[0]: expected exactly one of"},
      {scenario_with_steps(R"([{"action": "expect", "checks": "valami", "entries": ["passing"]}])"),
       "steps[0].entries[0]: expected an object of check fields, e.g. {\"Status\": \"passing\"}, got \"passing\""},
      {scenario_with_steps(R"([{"action": "expect", "checks": "", "entries": []}])"), "steps[0].checks: must name a service"},
      {scenario_with_steps(R"([{"action": "expect", "catalog": "valami"}])"), "steps[0].entries: required array is missing"},
      {scenario_with_steps(R"([{"action": "expect", "catalog": "valami", "entries": [5]}])"),
       "steps[0].entries[0]: expected an object of catalog fields"},
      {scenario_with_steps(R"([{"action": "expect", "catalog": "valami", "entries": [], "within": "soon"}])"),
       "steps[0].within: expected a duration like \"5s\", \"500ms\" or \"1m\", got \"soon\""},
      {scenario_with_steps(R"([{"action": "expect", "catalog": "valami", "entries": [], "match": "roughly"}])"),
       "steps[0].match: expected one of exactly, contains, got \"roughly\""},
      {scenario_with_steps(R"([{"action": "expect", "catalog": "valami", "entries": [{"ServiceAddress": "{{ip host1/web9}}"}]}])"),
       "steps[0].entries[0].ServiceAddress: {{ip host1/web9}}: no earlier step runs a container \"web9\" on host1"},
      {scenario_with_steps(R"([{"action": "expect", "dns": "x.service.consul", "type": "MX", "answers": []}])"),
       "steps[0].type: expected one of A, SRV, got \"MX\""},
      {scenario_with_steps(R"([{"action": "expect", "dns": "x.service.consul", "answers": ["not-an-ip"]}])"),
       "steps[0].answers[0]: expected an IPv4 address or a template"},
      {scenario_with_steps(R"([{"action": "expect", "dns": "x.service.consul", "type": "SRV", "answers": [{}]}])"),
       "steps[0].answers[0]: an SRV answer needs at least \"port\" or \"target\""},
      {scenario_with_steps(R"([{"action": "expect", "dns": "x.service.consul", "answers": ["1.2.3.4"], "rcode": "NXDOMAIN"}])"),
       "steps[0].rcode: NXDOMAIN has no answers"},
      {scenario_with_steps(R"([{"action": "expect", "dns": "x", "type": "SRV", "ttl": 0, "answers": []}])"),
       "steps[0].ttl: only supported for type A"},
      {scenario_with_steps("[" + run_web5 + R"(, {"action": "expect", "container": "web5", "state": "sleeping"}])"),
       "steps[1].state: expected one of created, running"},
      {scenario_with_steps(R"([{"action": "run", "name": "web5", "image": "test"}])",
                           R"([{"name": "host1"}, {"name": "host2"}])"),
       "steps[0].host: required when the scenario has more than one host"},
      {scenario_with_steps(R"([{"action": "run", "host": "host3", "name": "web5", "image": "test"}])"),
       "steps[0].host: no host named \"host3\""},
  };
  for (const auto& c : cases) EXPECT_THAT(load_error(c.text), HasSubstr(c.expected)) << c.text;
}

TEST(ScenarioParse, ErrorsCarryTheLineOfTheOffendingValue) {
  const std::string text = "{\n  \"hosts\": [{\"name\": \"host1\"}],\n  \"steps\": [\n    {\"action\": \"wait\",\n"
                           "     \"duration\": \"forever\"}\n  ]\n}";
  EXPECT_THAT(load_error(text), HasSubstr("test.json:5: steps[0].duration:"));
}

TEST(ScenarioParse, SyntaxErrorsGiveLineAndColumn) {
  const auto error = load_error("{\n  \"hosts\": [\n    {\"name\": \"host1\",}\n  ]\n}");
  EXPECT_THAT(error, HasSubstr("test.json:3:"));
  EXPECT_THAT(error, HasSubstr("invalid JSON"));
}

TEST(ScenarioParse, ANumberBeyondDoubleIsInvalidJsonNotACrash) {
  EXPECT_THAT(load_error(R"({"hosts": [{"name": "host1"}], "default_within": 1e999, "steps": []})"),
              HasSubstr("test.json: invalid JSON: number overflow parsing '1e999'"));
}

TEST(ScenarioParse, UnreadableFileIsAClearError) {
  try {
    load_scenario("/nonexistent/scenario.json");
    FAIL() << "expected LoadError";
  } catch (const LoadError& e) {
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent/scenario.json: cannot read"));
  }
}

TEST(ScenarioParse, TemplatesMayOnlyNameKnownHostsAndEarlierContainers) {
  const auto later = scenario_with_steps(
      R"([{"action": "expect", "dns": "x", "answers": ["{{ip host1/web5}}"]}, )" + run_web5 + "]");
  EXPECT_THAT(load_error(later), HasSubstr("steps[0].answers[0]: {{ip host1/web5}}: no earlier step runs"));
  const auto unknown_host = scenario_with_steps(R"([{"action": "expect", "catalog": "{{hostname nohost}}", "entries": []}])");
  EXPECT_THAT(load_error(unknown_host), HasSubstr("steps[0].catalog: {{hostname nohost}}: no host named \"nohost\""));
  const auto ok = scenario_with_steps("[" + run_web5 +
                                      R"(, {"action": "expect", "dns": "x", "answers": ["{{ip host1/web5}}"]}])");
  EXPECT_NO_THROW(load_scenario_text(ok, "ok.json"));
}

}  // namespace
}  // namespace regsim
