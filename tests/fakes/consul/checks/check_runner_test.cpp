// fake-consul --run-checks: HTTP and TCP checks are probed for real against servers this test
// runs on loopback, and their status follows what those servers do (2xx passing, 429 warning,
// 500 or refused critical). An address outside --check-allow is never contacted.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/test_helpers.hpp"
#include "tests/support/process/child.hpp"
#include "tests/fakes/consul/checking_agent.hpp"
#include "tests/fakes/consul/probed_endpoint.hpp"
#include "fakes/consul/checks/check_runner.hpp"
#include "fakes/common/http/client.hpp"
#include "fakes/common/http/server.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;
using fakes::http::bhttp::verb;

namespace {

// The endpoint RunChecks probe over plain HTTP.
class HealthEndpoint : public consultest::ProbedEndpoint {
 public:
  HealthEndpoint() : ProbedEndpoint("db ok") {}
};

class RunChecks : public ::testing::Test {
 protected:
  void SetUp() override { endpoint_ = consultest::start_checking_agent(dir_.path(), consul_); }
  void register_service(const std::string& id, const json& check) {
    json body = {{"ID", id}, {"Name", "db"}, {"Address", "127.0.0.1"}, {"Port", 5432}, {"Check", check}};
    ASSERT_EQ(fakes::http::fetch(endpoint_, verb::put, "/v1/agent/service/register", body.dump()).status, 200u);
  }
  // The check of service `id` as /v1/health/checks shows it: {Status, Output}.
  json check_of(const std::string& id) {
    auto all = json::parse(fakes::http::fetch(endpoint_, verb::get, "/v1/health/checks/db").body);
    for (const auto& c : all)
      if (c["ServiceID"] == id) return c;
    return json::object();
  }
  bool becomes(const std::string& id, const std::string& status) {
    return regtest::eventually([&] { return check_of(id).value("Status", "") == status; }, 10s);
  }

  regtest::TempDir dir_{"consul-run-checks"};
  std::unique_ptr<test_support::ChildProcess> consul_;
  fakes::http::Endpoint endpoint_;
};

TEST_F(RunChecks, HttpCheckFollowsTheEndpointsAnswers) {
  HealthEndpoint health;
  register_service("db-1", {{"HTTP", "http://127.0.0.1:" + std::to_string(health.port()) + "/health"},
                            {"Interval", "100ms"}, {"Timeout", "1s"}});
  ASSERT_TRUE(becomes("db-1", "passing")) << check_of("db-1").dump();
  EXPECT_EQ(check_of("db-1")["Output"], "HTTP GET http://127.0.0.1:" + std::to_string(health.port()) +
                                            "/health: 200 OK Output: db ok");
  health.answer(429);
  EXPECT_TRUE(becomes("db-1", "warning")) << check_of("db-1").dump();
  health.answer(500);
  EXPECT_TRUE(becomes("db-1", "critical")) << check_of("db-1").dump();
  health.answer(200);
  EXPECT_TRUE(becomes("db-1", "passing")) << check_of("db-1").dump();
  // Deregistering stops the probes.
  ASSERT_EQ(fakes::http::fetch(endpoint_, verb::put, "/v1/agent/service/deregister/db-1").status, 200u);
  const int hits = health.hits();
  EXPECT_FALSE(regtest::eventually([&] { return health.hits() > hits + 1; }, 500ms)) << "still probing after deregister";
}

TEST_F(RunChecks, HttpCheckSendsItsMethodHeaderAndBody) {
  HealthEndpoint health;
  const std::string url = "http://127.0.0.1:" + std::to_string(health.port()) + "/probe";
  register_service("db-4", {{"HTTP", url}, {"Method", "POST"}, {"Header", {{"X-Probe", {"a", "b"}}, {"User-Agent", {"mine"}}}},
                            {"Body", "{\"deep\":true}"}, {"Interval", "100ms"}});
  ASSERT_TRUE(becomes("db-4", "passing")) << check_of("db-4").dump();
  EXPECT_EQ(check_of("db-4")["Output"], "HTTP POST " + url + ": 200 OK Output: db ok");
  EXPECT_EQ(health.last(), "POST mine | a,b | {\"deep\":true}");
}

TEST_F(RunChecks, TcpCheckPassesWhileSomethingListens) {
  boost::asio::io_context io;
  auto listener = std::make_unique<boost::asio::ip::tcp::acceptor>(
      io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  const auto port = listener->local_endpoint().port();
  register_service("db-2", {{"TCP", "127.0.0.1:" + std::to_string(port)}, {"Interval", "100ms"}});
  ASSERT_TRUE(becomes("db-2", "passing")) << check_of("db-2").dump();
  EXPECT_EQ(check_of("db-2")["Output"], "TCP connect 127.0.0.1:" + std::to_string(port) + ": Success");
  listener.reset();  // nothing listens any more: connection refused
  EXPECT_TRUE(becomes("db-2", "critical")) << check_of("db-2").dump();
  EXPECT_NE(check_of("db-2")["Output"].get<std::string>().find("dial tcp 127.0.0.1:"), std::string::npos);
}

TEST_F(RunChecks, AddressesOutsideCheckAllowAreNeverContacted) {
  register_service("db-3", {{"HTTP", "http://192.0.2.10:8080/health"}, {"Interval", "100ms"}, {"Status", "passing"}});
  ASSERT_TRUE(becomes("db-3", "critical")) << check_of("db-3").dump();
  EXPECT_EQ(check_of("db-3")["Output"],
            "fake-consul does not probe 192.0.2.10: outside --check-allow (nothing was sent)");
}

TEST(CheckRunnerRules, HttpCodesAndNetworks) {
  using fakes::consul::HealthStatus;
  using fakes::consul::IpNetwork;
  EXPECT_EQ(fakes::consul::status_for_http_code(204), HealthStatus::passing);
  EXPECT_EQ(fakes::consul::status_for_http_code(429), HealthStatus::warning);
  EXPECT_EQ(fakes::consul::status_for_http_code(301), HealthStatus::critical);
  EXPECT_EQ(fakes::consul::status_for_http_code(503), HealthStatus::critical);
  auto lo = IpNetwork::parse("127.0.0.0/8");
  ASSERT_TRUE(lo);
  EXPECT_TRUE(lo->contains(boost::asio::ip::make_address("127.1.2.3")));
  EXPECT_FALSE(lo->contains(boost::asio::ip::make_address("128.0.0.1")));
  EXPECT_FALSE(lo->contains(boost::asio::ip::make_address("::1")));
  EXPECT_TRUE(IpNetwork::parse("::1/128")->contains(boost::asio::ip::make_address("::1")));
  EXPECT_FALSE(IpNetwork::parse("10.0.0.0/33"));
  EXPECT_FALSE(IpNetwork::parse("nonsense/8"));
  EXPECT_FALSE(IpNetwork::parse("10.0.0.0/8x"));
}

}  // namespace
