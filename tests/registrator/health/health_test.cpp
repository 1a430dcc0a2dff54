// GET /health (-health-addr): what a supervisor sees for each state registrator can be in, and
// the server's HTTP on loopback (registrator/app/health_state.*, health_server.*).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>

#include "registrator/health/health_check_command.hpp"
#include "registrator/health/health_server.hpp"
#include "registrator/health/health_state.hpp"
#include "registrator/http/http_client.hpp"

using namespace registrator;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

void make_healthy(HealthState& h) {
  h.docker_connected();
  h.registry_reachable();
  h.sync_done();
}

http::Response get(const std::string& address, const std::string& target, const std::string& method = "GET") {
  const auto colon = address.rfind(':');
  http::Request req;
  req.method = method;
  req.target = target;
  return http::send(http::Endpoint::tcp(address.substr(0, colon), address.substr(colon + 1)), req, 5s);
}

}  // namespace

TEST(RegistratorHealth, HealthyOnlyOnceConnectedReachableAndSynced) {
  HealthState h;
  HealthReport r = h.report();
  EXPECT_FALSE(r.healthy);
  EXPECT_EQ(r.docker_events, "connecting");
  EXPECT_EQ(r.registry, "unchecked");
  EXPECT_EQ(r.sync, "starting");
  EXPECT_EQ(r.reasons, (std::vector<std::string>{"docker event stream not connected yet", "registry not reached yet",
                                                 "start-up sync with Docker not done yet"}));
  h.docker_connected();
  h.registry_reachable();
  EXPECT_FALSE(h.report().healthy) << "not before the start-up sync";
  h.sync_done();
  r = h.report();
  EXPECT_TRUE(r.healthy);
  EXPECT_TRUE(r.reasons.empty());
  EXPECT_EQ(json::parse(r.json()),
            (json{{"status", "ok"}, {"docker_events", "connected"}, {"registry", "reachable"}, {"sync", "done"}}));
}

TEST(RegistratorHealth, EachPeerGoingAwayIsAReasonWithHowLongAndItsError) {
  HealthState h;
  make_healthy(h);
  h.registry_unreachable("consul 127.0.0.1:8500: connect: Connection refused");
  h.docker_disconnected("connect: No such file or directory");
  h.docker_disconnected("connect: Connection refused");  // still away: the first time is kept
  const auto t0 = HealthState::Clock::now();  // after both: 12 s later is at least 12 s since
  const HealthReport r = h.report(t0 + 12s);
  EXPECT_FALSE(r.healthy);
  ASSERT_EQ(r.reasons.size(), 2u);
  EXPECT_EQ(r.reasons[0], "docker event stream disconnected for 12 s: connect: Connection refused");
  EXPECT_EQ(r.reasons[1], "registry unreachable for 12 s: consul 127.0.0.1:8500: connect: Connection refused");
  const json body = json::parse(r.json());
  EXPECT_EQ(body["status"], "unhealthy");
  EXPECT_EQ(body["docker_events"], "disconnected");
  EXPECT_EQ(body["registry"], "unreachable");
  EXPECT_EQ(body["reasons"].size(), 2u);

  h.docker_connected();
  h.registry_reachable();
  EXPECT_TRUE(h.report().healthy) << "both back";
}

TEST(RegistratorHealth, ResponsesForEveryRequestShape) {
  bool good = true;
  auto report = [&] {
    HealthState h;
    make_healthy(h);
    if (!good) h.registry_unreachable("down");
    return h.report();
  };
  auto status_line = [](const std::string& response) { return response.substr(0, response.find("\r\n")); };

  std::string ok = health_response("GET /health HTTP/1.1\r\nHost: x\r\n\r\n", report);
  EXPECT_EQ(status_line(ok), "HTTP/1.1 200 OK");
  EXPECT_NE(ok.find("\r\n\r\n{\"status\":\"ok\""), std::string::npos) << ok;
  EXPECT_EQ(status_line(health_response("GET /health?probe=1 HTTP/1.0\r\n\r\n", report)), "HTTP/1.1 200 OK");

  std::string head = health_response("HEAD /health HTTP/1.1\r\n\r\n", report);
  EXPECT_EQ(status_line(head), "HTTP/1.1 200 OK");
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n") << "HEAD: headers only";

  good = false;
  std::string down = health_response("GET /health HTTP/1.1\r\n\r\n", report);
  EXPECT_EQ(status_line(down), "HTTP/1.1 503 Service Unavailable");
  EXPECT_NE(down.find("\"reasons\":[\"registry unreachable for 0 s: down\"]"), std::string::npos) << down;

  EXPECT_EQ(status_line(health_response("GET / HTTP/1.1\r\n\r\n", report)), "HTTP/1.1 404 Not Found");
  std::string post = health_response("POST /health HTTP/1.1\r\n\r\n", report);
  EXPECT_EQ(status_line(post), "HTTP/1.1 405 Method Not Allowed");
  EXPECT_NE(post.find("Allow: GET, HEAD\r\n"), std::string::npos);
  EXPECT_EQ(status_line(health_response("hello\r\n\r\n", report)), "HTTP/1.1 400 Bad Request");
}

TEST(RegistratorHealth, ServerAnswersOnLoopbackOnTheChosenPort) {
  HealthState h;
  HealthServer server(ListenAddress{"127.0.0.1", 0}, [&h] { return h.report(); });
  ASSERT_EQ(server.address().rfind("127.0.0.1:", 0), 0u);
  EXPECT_NE(server.address(), "127.0.0.1:0");

  http::Response starting = get(server.address(), "/health");
  EXPECT_EQ(starting.status, 503u);
  EXPECT_EQ(json::parse(starting.body)["sync"], "starting");

  h.docker_connected();
  h.registry_reachable();
  h.sync_done();
  http::Response ok = get(server.address(), "/health");
  EXPECT_EQ(ok.status, 200u);
  EXPECT_EQ(json::parse(ok.body)["status"], "ok");
  EXPECT_EQ(get(server.address(), "/metrics").status, 404u);
}

TEST(RegistratorHealth, TakenAddressIsAStartUpErrorNamingIt) {
  HealthState h;
  HealthServer first(ListenAddress{"127.0.0.1", 0}, [&h] { return h.report(); });
  const auto port = static_cast<std::uint16_t>(std::stoi(first.address().substr(first.address().rfind(':') + 1)));
  try {
    HealthServer second(ListenAddress{"127.0.0.1", port}, [&h] { return h.report(); });
    FAIL() << "a second listener on " << first.address();
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "health: cannot listen on " + first.address() + ": Address already in use");
  }
}

// -healthcheck's probe against a real /health: 0 and "healthy" on 200, 1 and the reasons on 503,
// 1 and the connection error when nothing listens.
TEST(RegistratorHealth, HealthcheckCommandExitsZeroOnlyWhenTheEndpointSays200) {
  HealthState h;
  HealthServer server(ListenAddress{"127.0.0.1", 0}, [&h] { return h.report(); });
  std::string error;
  const auto url = parse_probe_url("http://" + server.address() + "/health", error);
  ASSERT_TRUE(url) << error;

  std::ostringstream starting;
  EXPECT_EQ(run_health_check(*url, starting), 1);
  EXPECT_EQ(starting.str().rfind("unhealthy: HTTP 503: ", 0), 0u) << starting.str();
  EXPECT_NE(starting.str().find("registry not reached yet"), std::string::npos) << starting.str();

  make_healthy(h);
  std::ostringstream healthy;
  EXPECT_EQ(run_health_check(*url, healthy), 0);
  EXPECT_EQ(healthy.str().rfind("healthy: {", 0), 0u) << healthy.str();
  const std::string healthy_text = healthy.str();
  EXPECT_EQ(std::count(healthy_text.begin(), healthy_text.end(), '\n'), 1) << "one line: " << healthy_text;

  const auto nobody = parse_probe_url("http://127.0.0.1:" + std::to_string(url->port == "1" ? 2 : 1) + "/health", error);
  std::ostringstream refused;
  EXPECT_EQ(run_health_check(*nobody, refused, 2s), 1);
  EXPECT_EQ(refused.str().rfind("unhealthy: no answer from 127.0.0.1:", 0), 0u) << refused.str();
}
