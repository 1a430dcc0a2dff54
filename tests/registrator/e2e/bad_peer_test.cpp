// The registrator binary against peers that misbehave: a scripted Docker daemon answering garbage,
// truncated bodies and broken event streams, and fake-consul with injected faults (error answers,
// a garbage service list, a hang, a refused connection). Each test asserts that registrator keeps
// running, names what the peer said in its log, and registers every container once the peer
// behaves.
#include <gtest/gtest.h>

#include <ctime>

#include "tests/support/registrator/docker_request.hpp"
#include "tests/support/process/fake_consul_process.hpp"
#include "tests/support/registrator/scripted_docker.hpp"
#include "tests/support/process/child.hpp"

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using nlohmann::json;
using regtest::bin;
using regtest::http_response;

namespace {

std::string cid(char c) { return std::string(64, c); }

std::string inspect_json(char c) {
  json j;
  j["Id"] = cid(c);
  j["Name"] = std::string("/svc-") + c;
  j["Config"] = {{"Image", std::string("img-") + c}, {"Env", json::array()}, {"ExposedPorts", {{"80/tcp", json::object()}}}};
  j["HostConfig"] = {{"NetworkMode", "default"}};
  j["NetworkSettings"] = {{"Ports", json::object()},
                          {"Networks", {{"bridge", {{"IPAddress", std::string("172.17.0.") + std::to_string(c - 'a' + 2)}}}}}};
  j["State"] = {{"Running", true}, {"ExitCode", 0}};
  return j.dump();
}

std::string list_json(const std::string& ids) {
  json j = json::array();
  for (char c : ids) j.push_back({{"Id", cid(c)}});
  return j.dump();
}

std::string start_event(char c) {
  const auto now = static_cast<long long>(std::time(nullptr));
  json e = {{"Type", "container"},
            {"Action", "start"},
            {"status", "start"},
            {"id", cid(c)},
            {"Actor", {{"ID", cid(c)}, {"Attributes", {{"name", std::string("svc-") + c}}}}},
            {"time", now},
            {"timeNano", now * 1'000'000'000LL}};
  return e.dump() + "\n";
}

// Service IDs in the agent, or an empty set when it cannot be read.
std::set<std::string> agent_service_ids(const regtest::FakeConsulProcess& consul) {
  std::set<std::string> ids;
  try {
    auto r = consul.get("/v1/agent/services");
    if (r.status != 200) return ids;
    const json services = json::parse(r.body);  // items() must not outlive it
    for (const auto& [id, _] : services.items()) ids.insert(id);
  } catch (const std::exception&) {
  }
  return ids;
}

// Asks for each ID on its own (GET /v1/agent/service/<id>), so a fault injected on
// /v1/agent/services is left for registrator.
bool has_services(const regtest::FakeConsulProcess& consul, const std::vector<std::string>& wanted) {
  for (const auto& w : wanted) {
    try {
      if (consul.get("/v1/agent/service/" + registrator::http::escape_path_segment(w)).status != 200) return false;
    } catch (const std::exception&) {
      return false;
    }
  }
  return true;
}

void add_fault(const regtest::FakeConsulProcess& consul, const json& rule) {
  registrator::http::Request req;
  req.method = "PUT";
  req.target = "/_fake/faults";
  req.body = rule.dump();
  req.content_type = "application/json";
  auto r = registrator::http::send(consul.endpoint(), req, 5s);
  ASSERT_EQ(r.status, 200u) << r.body;
}

class RegistratorBadPeer : public ::testing::Test {
 protected:
  std::unique_ptr<test_support::ChildProcess> start_registrator(const std::string& docker_socket,
                                                                const std::string& consul_address,
                                                                std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{bin("registrator"), "-hostname", "host1", "-internal"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back("consul://" + consul_address);
    return std::make_unique<test_support::ChildProcess>(
        test_support::Command(argv).env("DOCKER_HOST", "unix://" + docker_socket),
        test_support::Output::log_file(log_path()));
  }
  std::string log() const { return regtest::read_text(log_path()); }
  bool log_has(const std::string& needle) const { return log().find(needle) != std::string::npos; }
  std::string log_path() const { return (dir.path() / "registrator.log").string(); }

  // fake-docker (which always answers correctly) with containers web1.., for the registry tests.
  void start_fake_docker() {
    docker_socket = (dir.path() / "docker.sock").string();
    const fs::path ready = dir.path() / "docker.ready";
    fake_docker = std::make_unique<test_support::ChildProcess>(
        test_support::Command{bin("fake-docker"), "--socket", docker_socket, "--ready-file", ready.string()},
        test_support::Output::log_file(dir.path() / "docker.log"));
    ASSERT_TRUE(fake_docker->wait_for_file(ready, 20s));
  }
  void run_container(const std::string& name,
                     const std::string& create = R"({"Image":"web","ExposedPorts":{"80/tcp":{}}})") {
    ASSERT_EQ(regtest::docker_request(docker_socket, "POST", "/v1.47/containers/create?name=" + name, create).status,
              201u);
    ASSERT_EQ(regtest::docker_request(docker_socket, "POST", "/v1.47/containers/" + name + "/start").status, 204u);
  }

  regtest::TempDir dir{"reg-bad-peer"};
  std::string docker_socket;
  std::unique_ptr<test_support::ChildProcess> fake_docker;
};

TEST_F(RegistratorBadPeer, GarbageAndTruncatedDockerAnswersAreLoggedAndEveryContainerIsRegistered) {
  regtest::FakeConsulProcess consul;
  const std::string socket = (dir.path() / "scripted-docker.sock").string();
  regtest::ScriptedDocker docker(socket, [](const std::string& path, int nth) -> std::string {
    if (path == "/containers/json") {
      if (nth == 0) return http_response(200, list_json("abd"));
      if (nth == 1) return http_response(200, R"([{"Id":")");  // the reconcile after the reconnect
      return http_response(200, list_json("abcde"));
    }
    for (char c : std::string("abcde")) {
      if (path != "/containers/" + cid(c) + "/json") continue;
      if (nth == 0 && c == 'a') return http_response(200, R"({"Id":"aaaa)");  // truncated JSON
      if (nth == 0 && c == 'b')  // Content-Length larger than what is sent, then close
        return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{\"Id\":";
      if (nth == 0 && c == 'c') return http_response(500, R"({"message":"engine overloaded, try later"})");
      if (nth == 0 && c == 'e') return "not http at all\r\n\r\n";
      return http_response(200, inspect_json(c));
    }
    return http_response(404, R"({"message":"page not found"})");
  });
  auto registrator = start_registrator(socket, consul.http_address());

  EXPECT_TRUE(regtest::eventually(
      [&] { return has_services(consul, {"host1:svc-a:80", "host1:svc-b:80", "host1:svc-d:80"}); }, 20s))
      << log();
  EXPECT_TRUE(log_has("unable to inspect container: aaaaaaaaaaaa docker unix://" + socket + ": bad inspect JSON"))
      << log();
  EXPECT_TRUE(log_has("unable to inspect container: bbbbbbbbbbbb docker unix://" + socket + ": read: partial message"))
      << log();

  // An undecodable event line, then a start whose first inspect is a 500 with a message.
  ASSERT_TRUE(regtest::eventually([&] { return docker.event_connections() == 1; }, 10s));
  docker.push_event("this is not json\n");
  docker.push_event("{\"Type\":\"container\",\"Action\":\n");  // cut off by a newline
  docker.push_event(start_event('c'));
  EXPECT_TRUE(regtest::eventually([&] { return has_services(consul, {"host1:svc-c:80"}); }, 20s)) << log();
  EXPECT_TRUE(log_has("docker: ignoring undecodable event: this is not json")) << log();
  EXPECT_TRUE(log_has("docker: ignoring undecodable event: {\"Type\":\"container\",\"Action\":")) << log();
  EXPECT_TRUE(log_has("unable to inspect container: cccccccccccc docker unix://" + socket +
                      ": HTTP 500: engine overloaded, try later"))
      << log();

  // The stream breaks in the middle of an event; e started meanwhile. The reconcile's first list is
  // truncated, e's first inspect is not HTTP: both are retried.
  docker.push_event(R"({"Type":"contai)");
  docker.break_event_stream();
  EXPECT_TRUE(regtest::eventually([&] { return has_services(consul, {"host1:svc-e:80"}); }, 20s)) << log();
  EXPECT_GE(docker.event_connections(), 2);
  EXPECT_TRUE(log_has("bad container list JSON")) << log();
  EXPECT_TRUE(log_has("unable to inspect container: eeeeeeeeeeee docker unix://" + socket + ": read:")) << log();
  EXPECT_EQ(agent_service_ids(consul).size(), 5u);
  EXPECT_TRUE(registrator->running()) << log();
}

TEST_F(RegistratorBadPeer, GarbageContainerListAtStartUpExitsNamingIt) {
  regtest::FakeConsulProcess consul;
  const std::string socket = (dir.path() / "scripted-docker.sock").string();
  regtest::ScriptedDocker docker(socket, [](const std::string& path, int) -> std::string {
    if (path == "/containers/json") return http_response(200, R"([{"Id": 12, "Names": [)");
    return http_response(404, R"({"message":"page not found"})");
  });
  auto registrator = start_registrator(socket, consul.http_address());
  // As upstream (log.Fatal in Sync): no list, no start; exit 1 with the reason.
  EXPECT_EQ(registrator->wait_exit(20s), 1) << log();
  EXPECT_TRUE(log_has("docker unix://" + socket + ": bad container list JSON")) << log();
}

TEST_F(RegistratorBadPeer, ConsulErrorAnswersAreLoggedWithTheirMessageAndRetried) {
  regtest::FakeConsulProcess consul;
  start_fake_docker();
  run_container("web1");
  add_fault(consul, {{"method", "PUT"},
                     {"path", "/v1/agent/service/register"},
                     {"status", 500},
                     {"body", "rpc error making call: No cluster leader"},
                     {"count", 2}});
  add_fault(consul, {{"method", "PUT"},
                     {"path", "/v1/agent/service/register"},
                     {"status", 403},
                     {"body", "Permission denied: token lacks service:write"},
                     {"count", 1}});
  auto registrator = start_registrator(docker_socket, consul.http_address());
  EXPECT_TRUE(regtest::eventually([&] { return has_services(consul, {"host1:web1:80"}); }, 20s)) << log();
  EXPECT_TRUE(log_has("register failed: host1:web1:80") && log_has("500 (rpc error making call: No cluster leader)"))
      << log();
  EXPECT_TRUE(log_has("403 (Permission denied: token lacks service:write)")) << log();
  EXPECT_TRUE(registrator->running());
}

TEST_F(RegistratorBadPeer, GarbageServiceListFromConsulDuringCleanupIsLogged) {
  regtest::FakeConsulProcess consul;
  start_fake_docker();
  run_container("web1");
  add_fault(consul, {{"method", "GET"},
                     {"path", "/v1/agent/services"},
                     {"status", 200},
                     {"body", R"({"host1:gone:80":{"ID":"host1:gone:80","Serv)"},
                     {"count", 1}});
  auto registrator = start_registrator(docker_socket, consul.http_address(), {"-cleanup"});
  EXPECT_TRUE(regtest::eventually([&] { return has_services(consul, {"host1:web1:80"}); }, 20s)) << log();
  EXPECT_TRUE(regtest::eventually([&] { return log_has("cleanup failed: "); }, 10s)) << log();
  EXPECT_TRUE(registrator->running()) << log();
}

TEST_F(RegistratorBadPeer, ConsulThatNeverAnswersTimesOutAndIsRetried) {
  regtest::FakeConsulProcess consul;
  start_fake_docker();
  run_container("web1");
  run_container("web2");
  // The first registration is accepted and never answered; registrator gives up after its
  // 10 s timeout (logged, not silently repeated), carries on with the other container and
  // retries the first with back-off.
  add_fault(consul, {{"method", "PUT"}, {"path", "/v1/agent/service/register"}, {"action", "hang"}, {"count", 1}});
  auto registrator = start_registrator(docker_socket, consul.http_address());
  EXPECT_TRUE(
      regtest::eventually([&] { return has_services(consul, {"host1:web1:80", "host1:web2:80"}); }, 40s))
      << log();
  EXPECT_TRUE(log_has("register failed: host1:web") && log_has(consul.http_address() + ": read: timed out")) << log();
  EXPECT_TRUE(registrator->running());
}

TEST_F(RegistratorBadPeer, RefusedConsulIsRetriedUntilItComesBack) {
  const std::string address = "127.0.0.1:" + std::to_string(regtest::free_loopback_port());
  auto consul = std::make_unique<regtest::FakeConsulProcess>(address);
  start_fake_docker();
  run_container("web1");
  auto registrator = start_registrator(docker_socket, address);
  ASSERT_TRUE(regtest::eventually([&] { return has_services(*consul, {"host1:web1:80"}); }, 20s)) << log();

  consul.reset();  // the agent goes away
  run_container("web2");
  EXPECT_TRUE(regtest::eventually([&] { return log_has("register failed: host1:web2:80"); }, 20s)) << log();
  EXPECT_TRUE(log_has(address + ": connect: Connection refused")) << log();

  consul = std::make_unique<regtest::FakeConsulProcess>(address);  // back, on the same address
  EXPECT_TRUE(regtest::eventually([&] { return has_services(*consul, {"host1:web2:80"}); }, 20s)) << log();
  EXPECT_TRUE(registrator->running());
}

// Metadata a Consul agent refuses (it would reject the whole registration, forever): the
// offending keys are named with the container and left out; the service is registered.
TEST_F(RegistratorBadPeer, MetadataConsulRejectsIsDroppedAndNamed) {
  regtest::FakeConsulProcess consul;
  start_fake_docker();
  json create = {{"Image", "web"},
                 {"ExposedPorts", {{"80/tcp", json::object()}}},
                 {"Env", {"SERVICE_REGION=eu", "SERVICE_FOO.BAR=1", "SERVICE_CONSUL-OWNER=me"}},
                 {"Labels", {{"SERVICE_BLOB", std::string(600, 'x')}}}};
  run_container("meta1", create.dump());
  auto registrator = start_registrator(docker_socket, consul.http_address());
  ASSERT_TRUE(regtest::eventually([&] { return has_services(consul, {"host1:meta1:80"}); }, 20s)) << log();
  auto service = json::parse(consul.get("/v1/agent/service/host1:meta1:80").body);
  EXPECT_EQ(service["Meta"], (json{{"region", "eu"}})) << service.dump();
  EXPECT_TRUE(log_has("consul: host1:meta1:80 (container meta1): Meta key \"foo.bar\" has characters outside "
                      "[A-Za-z0-9_-] (from SERVICE_* metadata): not sent, Consul rejects it"))
      << log();
  EXPECT_TRUE(log_has("(container meta1): Meta key \"consul-owner\" uses the reserved prefix consul-")) << log();
  EXPECT_TRUE(log_has("(container meta1): Meta value of \"blob\" is longer than 512 characters")) << log();
  EXPECT_FALSE(log_has("register failed")) << log();
}

}  // namespace
