// The steps that act on the fake Consul directly (consul_register, consul_fault,
// consul_clear_faults, consul_lose_state) and checks that must hold for a while (holds_for).
#include "regsim/scenario_loader.hpp"
#include "regsim/step_runner.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace regsim {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

std::string with_steps(const std::string& steps) {
  return R"({"hosts": [{"name": "host1"}], "steps": )" + steps + "}";
}

std::string load_error(const std::string& text) {
  try {
    load_scenario_text(text, "test.json");
  } catch (const LoadError& e) {
    return e.what();
  }
  return "(no error)";
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
