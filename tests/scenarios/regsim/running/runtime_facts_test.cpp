// Expanding expected values and reading container facts from docker inspect.
#include "scenarios/regsim/peers/docker_control.hpp"
#include "scenarios/regsim/running/runtime_facts.hpp"

#include <gtest/gtest.h>

namespace regsim {
namespace {

using nlohmann::json;

class FixedFacts : public FactSource {
 public:
  std::string resolve(const TemplateRef& r) const override {
    if (r.function == "host_port") return "7679";
    if (r.function == "ip") return "172.17.0.3";
    throw TemplateError(r.text + ": unknown here");
  }
};

TEST(ExpandJson, ExpandsStringsDeeplyAndTypesLonePorts) {
  const json expected = {{"ServiceAddress", "{{ip host1/web5}}"},
                         {"ServicePort", "{{host_port host1/web5 80}}"},
                         {"ServiceTags", {"at-{{host_port host1/web5 80}}"}},
                         {"Node", "node1"}};
  const json out = expand_json(expected, FixedFacts{});
  EXPECT_EQ(out["ServiceAddress"], "172.17.0.3");
  EXPECT_EQ(out["ServicePort"], 7679) << "a lone reference that expands to digits is a number";
  EXPECT_EQ(out["ServiceTags"][0], "at-7679") << "inside other text it stays a string";
  EXPECT_EQ(out["Node"], "node1");
}

TEST(ExpandJson, ErrorsPropagate) {
  EXPECT_THROW(expand_json(json{{"ServiceID", "{{id host1/web5}}"}}, FixedFacts{}), TemplateError);
}

TEST(FactsFromInspect, ReadsIdStateIpAndPorts) {
  const json inspect = json::parse(R"({
    "Id": "abc123", "State": {"Status": "running", "ExitCode": 0},
    "HostConfig": {"NetworkMode": "default"},
    "NetworkSettings": {
      "IPAddress": "172.17.0.3",
      "Networks": {"bridge": {"IPAddress": "172.17.0.3"}},
      "Ports": {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "7679"}], "443/tcp": null}
    }})");
  const auto f = facts_from_inspect(inspect);
  EXPECT_EQ(f.id, "abc123");
  EXPECT_EQ(f.state, "running");
  EXPECT_EQ(f.ip, "172.17.0.3");
  EXPECT_EQ(f.host_ports.at("80/tcp"), "7679");
  EXPECT_EQ(f.host_ports.count("443/tcp"), 0u);
}

TEST(FactsFromInspect, PrefersTheContainersOwnNetwork) {
  const json inspect = json::parse(R"({
    "Id": "x", "HostConfig": {"NetworkMode": "backend"},
    "NetworkSettings": {"Networks": {"bridge": {"IPAddress": "172.17.0.3"}, "backend": {"IPAddress": "172.18.0.2"}}}})");
  EXPECT_EQ(facts_from_inspect(inspect).ip, "172.18.0.2");
}

TEST(FactsFromInspect, RejectsNonInspectBodies) {
  EXPECT_THROW(facts_from_inspect(json::array()), DockerError);
  EXPECT_THROW(facts_from_inspect(json{{"message", "No such container"}}), DockerError);
}

TEST(CreateBody, MatchesWhatTheDockerCliSends) {
  RunAction run;
  run.name = "web5";
  run.image = "test";
  run.env = {{"SERVICE_NAME", "valami"}};
  run.labels = {{"type", "frontend"}};
  run.publish = {*parse_publish("7679:80")};
  const json body = create_body(run);
  EXPECT_EQ(body, json::parse(R"({"Image":"test","Env":["SERVICE_NAME=valami"],"Labels":{"type":"frontend"},
    "ExposedPorts":{"80/tcp":{}},
    "HostConfig":{"PortBindings":{"80/tcp":[{"HostIp":"","HostPort":"7679"}]},"NetworkMode":"default"}})"));
}

}  // namespace
}  // namespace regsim
