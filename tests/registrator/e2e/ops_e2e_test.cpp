// Operating registrator, as a supervisor and a log shipper see it: the registrator binary with
// fake-docker and fake-consul. GET /health (-health-addr) says 200 while both peers are there,
// 503 naming the one that went away, and 200 again once it is back; -log-format json writes one
// JSON object per line with upstream's events as fields.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/support/process/child.hpp"
#include "tests/support/process/fake_consul_process.hpp"
#include "tests/support/registrator/docker_request.hpp"

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using nlohmann::json;
using regtest::bin;

namespace {

class RegistratorOps : public ::testing::Test {
 protected:
  void SetUp() override {
    docker_socket = (dir.path() / "docker.sock").string();
    const fs::path ready = dir.path() / "docker.ready";
    fake_docker = std::make_unique<test_support::ChildProcess>(
        test_support::Command{bin("fake-docker"), "--socket", docker_socket, "--ready-file", ready.string()},
        test_support::Output::log_file(dir.path() / "docker.log"));
    ASSERT_TRUE(fake_docker->wait_for_file(ready, 20s));
    const auto created = docker("POST", "/v1.47/containers/create?name=web1", R"({"Image":"web","ExposedPorts":{"80/tcp":{}}})");
    ASSERT_EQ(created.status, 201u) << created.body;
    web1_id = json::parse(created.body)["Id"].get<std::string>();
    ASSERT_EQ(docker("POST", "/v1.47/containers/web1/start").status, 204u);
  }

  registrator::http::Response docker(const std::string& method, const std::string& target, const std::string& body = {}) {
    return regtest::docker_request(docker_socket, method, target, body);
  }

  std::unique_ptr<test_support::ChildProcess> start_registrator(const std::string& consul_address,
                                                                std::vector<std::string> extra) {
    std::vector<std::string> argv{bin("registrator"), "-hostname", "host1", "-internal"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back("consul://" + consul_address);
    return std::make_unique<test_support::ChildProcess>(
        test_support::Command(argv).env("DOCKER_HOST", "unix://" + docker_socket),
        test_support::Output::fresh_log_file(log_path()));
  }

  // The address registrator logged for -health-addr 127.0.0.1:0.
  std::string health_address(test_support::ChildProcess& registrator) {
    static const std::regex line(R"(Health check on http://([0-9.]+:[0-9]+)/health)");
    std::smatch m;
    std::string text;
    EXPECT_TRUE(registrator.wait_until([&] { text = log(); return std::regex_search(text, m, line); }, 20s,
                                       "its 'Health check on' line"));
    return m.size() > 1 ? m[1].str() : std::string();
  }

  // GET /health: the status and the parsed body, or status 0 when nothing answered.
  std::pair<unsigned, json> health(const std::string& address) {
    const auto colon = address.rfind(':');
    registrator::http::Request req;
    req.target = "/health";
    try {
      const auto r = registrator::http::send(
          registrator::http::Endpoint::tcp(address.substr(0, colon), address.substr(colon + 1)), req, 5s);
      return {r.status, json::parse(r.body, nullptr, false)};
    } catch (const std::exception&) {
      return {0u, json()};
    }
  }

  // Polls /health until its status is `status` and the body's `part` is `value`.
  ::testing::AssertionResult wait_health(test_support::ChildProcess& registrator, const std::string& address,
                                         unsigned status, const std::string& part, const std::string& value) {
    std::pair<unsigned, json> last;
    auto r = registrator.wait_until(
        [&] {
          last = health(address);
          return last.first == status && last.second.is_object() && last.second.value(part, "") == value;
        },
        30s, "GET /health: " + std::to_string(status) + " with " + part + "=" + value);
    if (!r) r << "\nlast answer: " << last.first << " " << last.second.dump();
    return r;
  }

  std::string log() const { return regtest::read_text(log_path()); }
  std::string log_path() const { return (dir.path() / "registrator.log").string(); }

  regtest::TempDir dir{"reg-ops"};
  std::string docker_socket;
  std::string web1_id;
  std::unique_ptr<test_support::ChildProcess> fake_docker;
};

TEST_F(RegistratorOps, HealthIsOkWithBothPeersAndNamesTheOneThatIsGoneUntilItIsBack) {
  const std::string consul_address = "127.0.0.1:" + std::to_string(regtest::free_loopback_port());
  auto consul = std::make_unique<regtest::FakeConsulProcess>(consul_address);
  auto registrator = start_registrator(consul_address, {"-health-addr", "127.0.0.1:0"});
  const std::string address = health_address(*registrator);
  ASSERT_FALSE(address.empty()) << log();

  ASSERT_TRUE(wait_health(*registrator, address, 200, "status", "ok")) << log();
  EXPECT_EQ(health(address).second,
            (json{{"status", "ok"}, {"docker_events", "connected"}, {"registry", "reachable"}, {"sync", "done"}}));

  // Consul goes away while nothing is being registered: the probe notices.
  consul.reset();
  ASSERT_TRUE(wait_health(*registrator, address, 503, "registry", "unreachable")) << log();
  const json down = health(address).second;
  EXPECT_EQ(down["status"], "unhealthy");
  ASSERT_EQ(down["reasons"].size(), 1u) << down.dump();
  EXPECT_NE(down["reasons"][0].get<std::string>().find(consul_address + ": connect: Connection refused"),
            std::string::npos)
      << down.dump();
  EXPECT_NE(log().find("health: registry unreachable: "), std::string::npos) << log();

  consul = std::make_unique<regtest::FakeConsulProcess>(consul_address);  // back where it was
  ASSERT_TRUE(wait_health(*registrator, address, 200, "status", "ok")) << log();
  EXPECT_NE(log().find("health: registry reachable again"), std::string::npos) << log();

  // Docker's event stream breaks and every reconnect is refused.
  ASSERT_EQ(docker("POST", "/_fake/faults", R"({"path":"/events","action":"drop"})").status / 100, 2u);
  ASSERT_EQ(docker("POST", "/_fake/events/drop").status / 100, 2u);
  ASSERT_TRUE(wait_health(*registrator, address, 503, "docker_events", "disconnected")) << log();
  const json no_events = health(address).second;
  EXPECT_EQ(no_events["registry"], "reachable");
  ASSERT_EQ(no_events["reasons"].size(), 1u) << no_events.dump();
  EXPECT_EQ(no_events["reasons"][0].get<std::string>().rfind("docker event stream disconnected for ", 0), 0u)
      << no_events.dump();

  ASSERT_EQ(docker("DELETE", "/_fake/faults").status / 100, 2u);
  ASSERT_TRUE(wait_health(*registrator, address, 200, "status", "ok")) << log();
  EXPECT_TRUE(registrator->running()) << "a peer going away is reported, not fatal";
}

// What the image's HEALTHCHECK runs: REGISTRATOR_HEALTH_ADDR turns the endpoint on (the image
// sets it), and `registrator -healthcheck URL` exits 0 while it says 200, 1 once Consul is gone.
TEST_F(RegistratorOps, HealthcheckCommandFollowsTheEndpointTheEnvironmentTurnedOn) {
  const std::string consul_address = "127.0.0.1:" + std::to_string(regtest::free_loopback_port());
  auto consul = std::make_unique<regtest::FakeConsulProcess>(consul_address);
  auto registrator = std::make_unique<test_support::ChildProcess>(
      test_support::Command{bin("registrator"), "-hostname", "host1", "consul://" + consul_address}
          .env("DOCKER_HOST", "unix://" + docker_socket)
          .env("REGISTRATOR_HEALTH_ADDR", "127.0.0.1:0"),
      test_support::Output::fresh_log_file(log_path()));
  const std::string address = health_address(*registrator);
  ASSERT_FALSE(address.empty()) << log();
  const std::string url = "http://" + address + "/health";

  test_support::RunResult probe;
  EXPECT_TRUE(registrator->wait_until(
      [&] {
        probe = test_support::run({bin("registrator"), "-healthcheck", url});
        return probe.exit_code == 0;
      },
      30s, "-healthcheck exits 0"))
      << probe.output << log();
  EXPECT_EQ(probe.output.rfind("healthy: {\"status\":\"ok\"", 0), 0u) << probe.output;
  EXPECT_EQ(probe.output.find("Starting registrator"), std::string::npos) << "a probe logs nothing else: " << probe.output;

  consul.reset();
  EXPECT_TRUE(registrator->wait_until(
      [&] {
        probe = test_support::run({bin("registrator"), "-healthcheck", url});
        return probe.exit_code == 1;
      },
      30s, "-healthcheck exits 1"))
      << probe.output << log();
  EXPECT_EQ(probe.output.rfind("unhealthy: HTTP 503: ", 0), 0u) << probe.output;
  EXPECT_NE(probe.output.find("unreachable"), std::string::npos) << probe.output;

  const auto bad = test_support::run({bin("registrator"), "-healthcheck", address});
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("for flag -healthcheck: must start with http://"), std::string::npos) << bad.output;
}

TEST_F(RegistratorOps, HealthIsUnavailableWhileWaitingForTheRegistryAtStartUp) {
  const std::string consul_address = "127.0.0.1:" + std::to_string(regtest::free_loopback_port());
  auto registrator =
      start_registrator(consul_address, {"-health-addr", "127.0.0.1:0", "-retry-attempts", "-1", "-retry-interval", "100"});
  const std::string address = health_address(*registrator);
  ASSERT_TRUE(wait_health(*registrator, address, 503, "registry", "unreachable")) << log();
  EXPECT_EQ(health(address).second["sync"], "starting");

  regtest::FakeConsulProcess consul(consul_address);
  ASSERT_TRUE(wait_health(*registrator, address, 200, "status", "ok")) << log();
}

TEST_F(RegistratorOps, HealthAddressInUseIsAStartUpError) {
  // A listener of the test's own on a loopback port.
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  socklen_t length = sizeof sa;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &length);
  const std::string taken = "127.0.0.1:" + std::to_string(ntohs(sa.sin_port));

  regtest::FakeConsulProcess consul;
  auto registrator = start_registrator(consul.http_address(), {"-health-addr", taken});
  EXPECT_EQ(registrator->wait_exit(20s), 1) << log();
  ::close(fd);
  EXPECT_NE(log().find("health: cannot listen on " + taken + ": Address already in use"), std::string::npos) << log();
}

TEST_F(RegistratorOps, JsonLogIsOneObjectPerLineWithUpstreamsEventsAsFields) {
  regtest::FakeConsulProcess consul;
  auto registrator = start_registrator(consul.http_address(), {"-log-format", "json"});
  ASSERT_TRUE(registrator->wait_until([&] { return log().find("\"event\":\"added\"") != std::string::npos; }, 20s,
                                      "an added line"))
      << log();
  ASSERT_TRUE(registrator->signal(SIGTERM));
  ASSERT_EQ(registrator->wait_exit(10s), 0) << log();

  std::istringstream lines(log());
  std::vector<json> records;
  for (std::string line; std::getline(lines, line);) {
    json j = json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << "not a JSON object: " << line;
    ASSERT_TRUE(j.is_object()) << line;
    ASSERT_TRUE(j["time"].is_string() && j["level"].is_string() && j["message"].is_string()) << line;
    EXPECT_TRUE(std::regex_match(j["time"].get<std::string>(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
        << line;
    EXPECT_TRUE(std::regex_match(j["level"].get<std::string>(), std::regex("debug|info|warn|error"))) << line;
    records.push_back(std::move(j));
  }
  ASSERT_FALSE(records.empty());
  const auto adapter = std::find_if(records.begin(), records.end(), [](const json& j) { return j.contains("backend"); });
  ASSERT_NE(adapter, records.end()) << log();
  EXPECT_EQ((*adapter)["backend"], "consul");
  EXPECT_EQ(records.front()["message"], "Starting registrator v7.4.0-cpp ...");
  const auto added = std::find_if(records.begin(), records.end(), [](const json& j) { return j.value("event", "") == "added"; });
  ASSERT_NE(added, records.end()) << log();
  EXPECT_EQ((*added)["level"], "info");
  EXPECT_EQ((*added)["container_id"], web1_id.substr(0, 12));
  EXPECT_EQ((*added)["service_id"], "host1:web1:80");
  EXPECT_EQ((*added)["service_name"], "web");
  EXPECT_EQ((*added)["message"], "added: " + web1_id.substr(0, 12) + " host1:web1:80");
  EXPECT_EQ(records.back()["message"], "Stopped");
}

// A registry nobody answers for: the lines saying so are level error with the backend and the
// peer's own words in `error`, and start-up gives up (-retry-attempts 1) with exit 1.
TEST_F(RegistratorOps, JsonLogOfAnUnreachableRegistryIsErrorWithTheErrorField) {
  const std::string nobody = "127.0.0.1:" + std::to_string(regtest::free_loopback_port());
  auto registrator =
      start_registrator(nobody, {"-log-format", "json", "-retry-attempts", "1", "-retry-interval", "100"});
  ASSERT_EQ(registrator->wait_exit(20s), 1) << log();

  std::istringstream lines(log());
  std::vector<json> errors;
  for (std::string line; std::getline(lines, line);) {
    const json j = json::parse(line, nullptr, false);
    ASSERT_TRUE(j.is_object()) << "not a JSON object: " << line;
    if (j.value("level", "") == "error") errors.push_back(j);
  }
  ASSERT_EQ(errors.size(), 2u) << "one per attempt:\n" << log();
  for (const json& e : errors) {
    EXPECT_EQ(e.value("backend", ""), "consul") << e.dump();
    EXPECT_EQ(e.value("error", ""), "consul " + nobody + ": connect: Connection refused") << e.dump();
    EXPECT_EQ(e.value("message", ""), e.value("error", "")) << "the text line is upstream's: the error alone";
  }
}

}  // namespace
