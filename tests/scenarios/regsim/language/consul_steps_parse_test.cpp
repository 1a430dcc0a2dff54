// The steps that act on the fake Consul directly (consul_register, consul_fault,
// consul_clear_faults, consul_lose_state) and checks that must hold for a while (holds_for).
#include "scenarios/regsim/language/scenario_loader.hpp"
#include "scenarios/regsim/running/steps/wait_steps.hpp"

#include "tests/scenarios/regsim/language/load_error.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace regsim {
namespace {

using ::testing::HasSubstr;
using test::load_error;
using namespace std::chrono_literals;

std::string with_steps(const std::string& steps) {
  return R"({"hosts": [{"name": "host1"}], "steps": )" + steps + "}";
}

TEST(ConsulSteps, ParseIntoTheModel) {
  const auto s = load_scenario_text(with_steps(R"([
    {"action": "consul_register", "registration": {"ID": "{{hostname host1}}:ghost:80", "Name": "web", "Port": 80}},
    {"action": "consul_fault", "method": "PUT", "path": "/v1/agent/service/register", "status": 503, "count": 2},
    {"action": "consul_fault", "path": "/v1/agent/", "fault": "drop", "duration": "1s"},
    {"action": "consul_clear_faults"},
    {"action": "consul_lose_state"}])"), "t.json");
  ASSERT_EQ(s.steps.size(), 5u);
  const auto& reg = std::get<ConsulAction>(s.steps[0].action);
  EXPECT_EQ(reg.op, ConsulOp::register_service);
  EXPECT_EQ(reg.registration["ID"], "{{hostname host1}}:ghost:80");
  const auto& fault = std::get<ConsulAction>(s.steps[1].action);
  EXPECT_EQ(fault.op, ConsulOp::fault);
  EXPECT_EQ(fault.fault, (nlohmann::json{{"method", "PUT"}, {"path", "/v1/agent/service/register"}, {"status", 503}, {"count", 2}}));
  EXPECT_FALSE(fault.duration);
  const auto& drop = std::get<ConsulAction>(s.steps[2].action);
  EXPECT_EQ(drop.fault["action"], "drop");
  EXPECT_EQ(drop.fault["status"], 500);
  EXPECT_EQ(drop.duration, Duration(1s));
  EXPECT_EQ(std::get<ConsulAction>(s.steps[3].action).op, ConsulOp::clear_faults);
  EXPECT_EQ(std::get<ConsulAction>(s.steps[4].action).op, ConsulOp::lose_state);
}

TEST(ConsulSteps, OperatorStepsParseIntoTheModel) {
  const auto s = load_scenario_text(with_steps(R"([
    {"action": "consul_check", "check": "service:{{hostname host1}}:web:80", "status": "warning", "note": "slow"},
    {"action": "consul_maintenance", "service": "host1:web:80", "enable": true, "reason": "upgrade"},
    {"action": "consul_maintenance", "enable": false},
    {"action": "restart_consul", "downtime": "1s"},
    {"action": "restart_consul"},
    {"action": "consul_fault", "path": "/v1/agent/", "fault": "delay", "delay": "250ms", "count": 3}])"), "t.json");
  ASSERT_EQ(s.steps.size(), 6u);
  EXPECT_EQ(std::get<ConsulAction>(s.steps[5].action).fault,
            (nlohmann::json{{"path", "/v1/agent/"}, {"status", 500}, {"action", "delay"}, {"delay_ms", 250}, {"count", 3}}));
  const auto& check = std::get<ConsulAction>(s.steps[0].action);
  EXPECT_EQ(check.op, ConsulOp::check_status);
  EXPECT_EQ(check.check_id, "service:{{hostname host1}}:web:80");
  EXPECT_EQ(check.status, "warning");
  EXPECT_EQ(check.note, "slow");
  EXPECT_EQ(check.host, "") << "one shared agent";
  const auto& service_maintenance = std::get<ConsulAction>(s.steps[1].action);
  EXPECT_EQ(service_maintenance.op, ConsulOp::maintenance);
  EXPECT_EQ(service_maintenance.service_id, "host1:web:80");
  EXPECT_TRUE(service_maintenance.enable);
  EXPECT_EQ(service_maintenance.reason, "upgrade");
  const auto& node_maintenance = std::get<ConsulAction>(s.steps[2].action);
  EXPECT_EQ(node_maintenance.service_id, "");
  EXPECT_FALSE(node_maintenance.enable);
  EXPECT_EQ(std::get<ConsulAction>(s.steps[3].action).op, ConsulOp::restart);
  EXPECT_EQ(std::get<ConsulAction>(s.steps[3].action).duration, Duration(1s));
  EXPECT_EQ(std::get<ConsulAction>(s.steps[4].action).duration, Duration(0s));

  // With an agent per host, a step names the host whose agent it talks to.
  const auto per_host = load_scenario_text(
      R"({"consul": {"agent_per_host": true}, "hosts": [{"name": "a"}, {"name": "b"}],
          "steps": [{"action": "consul_check", "host": "b", "check": "service:b:web:80", "status": "passing"}]})",
      "t.json");
  EXPECT_EQ(std::get<ConsulAction>(per_host.steps[0].action).host, "b");
}

TEST(ConsulSteps, OperatorStepErrorsNameThePath) {
  EXPECT_THAT(load_error(with_steps(R"([{"action": "consul_check", "check": "c1", "status": "ok"}])")),
              HasSubstr("steps[0].status: expected one of passing, warning, critical, got \"ok\""));
  EXPECT_THAT(load_error(with_steps(R"([{"action": "consul_check", "check": "c1"}])")),
              HasSubstr("steps[0].status: required string is missing"));
  EXPECT_THAT(load_error(with_steps(R"([{"action": "consul_check", "status": "passing"}])")),
              HasSubstr("steps[0].check"));
  EXPECT_THAT(load_error(with_steps(R"([{"action": "consul_maintenance", "service": "x"}])")),
              HasSubstr("steps[0].enable: required true or false is missing"));
  EXPECT_THAT(load_error(with_steps(R"([{"action": "consul_check", "host": "host1", "check": "c", "status": "passing"}])")),
              HasSubstr("steps[0].host: every host shares one agent here"));
  EXPECT_THAT(load_error(with_steps(R"([{"action": "consul_fault", "path": "/v1", "fault": "delay"}])")),
              HasSubstr("steps[0].delay: \"fault\": \"delay\" needs a \"delay\" duration"));
  EXPECT_THAT(load_error(with_steps(R"([{"action": "consul_fault", "path": "/v1", "delay": "1s"}])")),
              HasSubstr("steps[0].delay: \"delay\" goes with \"fault\": \"delay\""));
  EXPECT_THAT(load_error(with_steps(R"([{"action": "restart_consul", "downtime": "soon"}])")),
              HasSubstr("steps[0].downtime: expected a duration"));
}

TEST(DockerFaultSteps, ParseIntoTheModel) {
  const auto s = load_scenario_text(with_steps(R"([
    {"action": "docker_fault", "method": "GET", "path": "/containers/", "status": 503, "message": "daemon busy", "count": 2},
    {"action": "docker_fault", "path": "/events", "fault": "drop", "duration": "1s"},
    {"action": "docker_clear_faults"}])"), "t.json");
  ASSERT_EQ(s.steps.size(), 3u);
  const auto& fail = std::get<DockerFaultAction>(s.steps[0].action);
  EXPECT_EQ(fail.host, "host1");
  EXPECT_EQ(fail.fault, (nlohmann::json{{"method", "GET"}, {"path", "/containers/"}, {"status", 503},
                                        {"body", "daemon busy"}, {"count", 2}}));
  const auto& drop = std::get<DockerFaultAction>(s.steps[1].action);
  EXPECT_EQ(drop.fault["action"], "drop");
  EXPECT_EQ(drop.duration, Duration(1s));
  EXPECT_TRUE(std::get<DockerFaultAction>(s.steps[2].action).clear);
  EXPECT_THAT(load_error(with_steps(R"([{"action": "docker_fault", "path": "containers"}])")),
              HasSubstr("steps[0].path: expected a path prefix starting with '/', got \"containers\""));
  EXPECT_THAT(load_error(with_steps(R"([{"action": "docker_fault", "path": "/x", "host": "nope"}])")),
              HasSubstr("steps[0].host: no host named \"nope\""));
}

TEST(ConsulSteps, BadShapesNameThePath) {
  EXPECT_THAT(load_error(with_steps(R"([{"action": "consul_register", "registration": {"ID": "x"}}])")),
              HasSubstr("steps[0].registration.Name: a registration needs a service \"Name\" string"));
  EXPECT_THAT(load_error(with_steps(R"([{"action": "consul_register"}])")), HasSubstr("steps[0].registration"));
  EXPECT_THAT(load_error(with_steps(R"([{"action": "consul_register", "registration": {"Name": "w", "ID": "{{ip host1/nope}}"}}])")),
              HasSubstr("steps[0].registration.ID"));
  EXPECT_THAT(load_error(with_steps(R"([{"action": "consul_fault", "path": "v1/agent"}])")),
              HasSubstr("steps[0].path: expected a path prefix starting with '/', got \"v1/agent\""));
  EXPECT_THAT(load_error(with_steps(R"([{"action": "consul_fault", "path": "/v1", "status": 700}])")),
              HasSubstr("steps[0].status"));
  EXPECT_THAT(load_error(with_steps(R"([{"action": "consul_fault", "path": "/v1", "count": 1, "duration": "1s"}])")),
              HasSubstr("not both"));
  EXPECT_THAT(load_error(with_steps(R"([{"action": "consul_fault", "path": "/v1", "fault": "explode"}])")),
              HasSubstr("steps[0].fault"));
  EXPECT_THAT(load_error(with_steps(R"([{"action": "consul_clear_faults", "path": "/v1"}])")), HasSubstr("path"));
}

TEST(HoldsFor, ParsesAndLabelsTheCheck) {
  const auto s = load_scenario_text(
      with_steps(R"([{"action": "expect", "catalog": "hidden", "entries": [], "holds_for": "1.5s"}])"), "t.json");
  const auto& check = std::get<CheckAction>(s.steps[0].action);
  EXPECT_EQ(check.holds_for, Duration(1500ms));
  EXPECT_EQ(check_label(check), "catalog hidden for 1.5s");
}

TEST(HoldsFor, ExcludesWithinAndNeedsADuration) {
  EXPECT_THAT(load_error(with_steps(
                  R"([{"action": "expect", "catalog": "x", "entries": [], "holds_for": "1s", "within": "2s"}])")),
              HasSubstr("steps[0].holds_for: \"holds_for\" (must hold the whole time) and \"within\""));
  EXPECT_THAT(load_error(with_steps(R"([{"action": "expect", "catalog": "x", "entries": [], "holds_for": 3}])")),
              HasSubstr("steps[0].holds_for: expected a duration"));
}

}  // namespace
}  // namespace regsim

namespace regsim {
namespace {

// Docker refuses one-character names; the scenario is rejected before anything starts.
TEST(RunStep, ContainerNamesNeedTwoCharacters) {
  EXPECT_THAT(load_error(with_steps(R"([{"action": "run", "name": "a", "image": "x"}])")),
              HasSubstr("steps[0].name: expected a Docker container name ([a-zA-Z0-9][a-zA-Z0-9_.-]+), got \"a\""));
}

}  // namespace
}  // namespace regsim
