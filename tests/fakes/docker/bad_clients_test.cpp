// Clients that misbehave at the connection level: stalled and byte-at-a-time requests, a flood
// of idle connections, half-closed sockets, oversized headers. fake-docker must keep serving
// everyone else, answer what it can with an engine-style error, and change nothing.
#include "fakes/docker/fake_docker.hpp"

#include "fakes/common/http/client.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fd = fakes::docker;
namespace http = fakes::http;
using boost::beast::http::verb;
using nlohmann::json;
using namespace std::chrono_literals;

template <class Pred>
bool poll_until(Pred pred, std::chrono::milliseconds limit = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return pred();
}

class FakeDockerBadClients : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("fake-docker-bad-clients-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    fd::FakeDockerOptions options;
    options.socket_path = (dir_ / "docker.sock").string();
    options.images = fd::ImageCatalog::from_json(R"({"test": {"ExposedPorts": {"80/tcp": {}}}})");
    fake_ = std::make_unique<fd::FakeDocker>(std::move(options));
    fake_->start();
    ASSERT_EQ(call(verb::post, "/v1.47/containers/create?name=web", R"({"Image":"test"})").status, 201u);
    ASSERT_EQ(call(verb::post, "/v1.47/containers/web/start").status, 204u);
  }
  void TearDown() override {
    for (int s : sockets_) ::close(s);
    fake_.reset();
    std::filesystem::remove_all(dir_);
  }
  http::ClientResponse call(verb method, const std::string& target, const std::string& body = {}) {
    return http::fetch(http::Endpoint::unix_path(fake_->socket_path()), method, target, body,
                       {{"Content-Type", "application/json"}}, 2s);
  }
  // A raw connection that the test controls byte by byte (closed at teardown).
  int connect_raw() {
    const int s = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, fake_->socket_path().c_str(), sizeof addr.sun_path - 1);
    if (s < 0 || ::connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      if (s >= 0) ::close(s);
      return -1;
    }
    sockets_.push_back(s);
    return s;
  }
  static void send_text(int s, const std::string& text) { ASSERT_EQ(::send(s, text.data(), text.size(), MSG_NOSIGNAL), static_cast<ssize_t>(text.size())); }
  // Everything the server sends until it closes or `timeout` passes.
  static std::string read_all(int s, std::chrono::milliseconds timeout) {
    timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
    ::setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string out;
    char buf[4096];
    for (;;) {
      const auto n = ::recv(s, buf, sizeof buf, 0);
      if (n <= 0) return out;
      out.append(buf, static_cast<std::size_t>(n));
    }
  }
  std::size_t running_containers() { return json::parse(call(verb::get, "/v1.47/containers/json").body).size(); }

  std::filesystem::path dir_;
  std::unique_ptr<fd::FakeDocker> fake_;
  std::vector<int> sockets_;
};

TEST_F(FakeDockerBadClients, StalledAndByteAtATimeRequestsDoNotHoldUpOthers) {
  // 50 connections stuck in the middle of their headers.
  for (int i = 0; i < 50; ++i) {
    const int s = connect_raw();
    ASSERT_GE(s, 0);
    send_text(s, "POST /v1.47/containers/web/stop HTTP/1.1\r\nHost: docker\r\nContent-Le");
  }
  // One that sends a byte at a time.
  const int slow = connect_raw();
  ASSERT_GE(slow, 0);
  const std::string request = "GET /v1.47/containers/web/json HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n";
  for (std::size_t i = 0; i + 1 < request.size(); ++i) {
    send_text(slow, request.substr(i, 1));
    // Meanwhile everyone else is served (each call has a 2 s deadline).
    if (i % 10 == 0) {
      EXPECT_EQ(call(verb::get, "/_ping").status, 200u) << "after " << i << " bytes of the slow client";
    }
  }
  send_text(slow, request.substr(request.size() - 1));
  const auto answer = read_all(slow, 2000ms);
  EXPECT_EQ(answer.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << answer.substr(0, 200);
  EXPECT_NE(answer.find("\"Name\":\"/web\""), std::string::npos) << "the slow client gets its answer too";
  EXPECT_EQ(running_containers(), 1u) << "the half-sent stop requests were never carried out";
}

TEST_F(FakeDockerBadClients, AFloodOfIdleConnectionsLeavesTheEngineServing) {
  // Bounded: 2,000 connections (the file limit is raised where allowed), all idle.
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < 4500 && limit.rlim_max >= 4500) {
    limit.rlim_cur = 4500;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
  const int wanted = static_cast<int>(std::min<rlim_t>(2000, (limit.rlim_cur - 100) / 2));
  int opened = 0;
  for (; opened < wanted; ++opened)
    if (connect_raw() < 0) break;
  EXPECT_EQ(opened, wanted);
  EXPECT_EQ(call(verb::get, "/_ping").status, 200u);
  EXPECT_EQ(running_containers(), 1u);
  const auto created = call(verb::post, "/v1.47/containers/create?name=after-flood", R"({"Image":"test"})");
  EXPECT_EQ(created.status, 201u) << created.body;
  for (int s : sockets_) ::close(s);
  sockets_.clear();
  EXPECT_EQ(call(verb::get, "/_ping").status, 200u);
}

TEST_F(FakeDockerBadClients, HalfClosedClientsAreAnsweredOrDroppedWithoutHarm) {
  // A whole request, then the client shuts its sending side: the answer still comes.
  const int done_sending = connect_raw();
  ASSERT_GE(done_sending, 0);
  send_text(done_sending, "GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n");
  ::shutdown(done_sending, SHUT_WR);
  EXPECT_EQ(read_all(done_sending, 2000ms).rfind("HTTP/1.1 200 OK", 0), 0u);

  // Half a request, then the sending side shut: the connection is closed, nothing is done.
  const int cut = connect_raw();
  ASSERT_GE(cut, 0);
  send_text(cut, "POST /v1.47/containers/web/kill HTTP/1.1\r\nHost: docker\r\nContent-Length: 10\r\n\r\n{\"x\"");
  ::shutdown(cut, SHUT_WR);
  const auto answer = read_all(cut, 2000ms);
  EXPECT_EQ(answer.find("204"), std::string::npos) << answer;
  EXPECT_EQ(running_containers(), 1u) << "the cut kill was not carried out";
  EXPECT_EQ(call(verb::get, "/_ping").status, 200u);
}

TEST_F(FakeDockerBadClients, OversizedHeadersGetAnErrorAndChangeNothing) {
  const int s = connect_raw();
  ASSERT_GE(s, 0);
  send_text(s, "POST /v1.47/containers/web/stop HTTP/1.1\r\nHost: docker\r\nX-Padding: " + std::string(64 * 1024, 'a') +
                   "\r\n\r\n");
  const auto answer = read_all(s, 2000ms);
  EXPECT_EQ(answer.rfind("HTTP/1.1 4", 0), 0u) << answer.substr(0, 200);
  const auto body = answer.substr(answer.find("\r\n\r\n") + 4);
  const auto error = json::parse(body, nullptr, false);
  EXPECT_TRUE(error.is_object() && error.contains("message")) << "an engine-style error: " << body;
  EXPECT_EQ(running_containers(), 1u);
}

TEST_F(FakeDockerBadClients, EventStreamsOfClientsThatHungUpAreForgotten) {
  // A long simulation opens and drops event streams without end; each one the fake keeps
  // is kept forever. Two ways to hang up: right after asking for a replay (the stream is
  // found closed while it is being set up), and while streaming (found closed by the next
  // write, in the middle of writing to every stream).
  const std::string since = std::to_string(std::time(nullptr) - 60);
  auto close_all = [&] {
    for (int s : sockets_) ::close(s);
    sockets_.clear();
  };
  auto churn = [&](const std::string& name) {
    ASSERT_EQ(call(verb::post, "/v1.47/containers/create?name=" + name, R"({"Image":"test"})").status, 201u);
    ASSERT_EQ(call(verb::post, "/v1.47/containers/" + name + "/start").status, 204u);
    ASSERT_EQ(call(verb::delete_, "/v1.47/containers/" + name + "?force=1").status, 204u);
  };
  for (int round = 0; round < 20; ++round) {
    for (int i = 0; i < 10; ++i) {
      const int s = connect_raw();
      ASSERT_GE(s, 0);
      send_text(s, "GET /v1.47/events?since=" + since + " HTTP/1.1\r\nHost: docker\r\n\r\n");
    }
    close_all();
    churn("replayed" + std::to_string(round));
    ASSERT_TRUE(poll_until([&] { return fake_->event_stream_count() == 0; }))
        << "round " << round << ": " << fake_->event_stream_count() << " replaying streams kept for clients that are gone";
    for (int i = 0; i < 10; ++i) {
      const int s = connect_raw();
      ASSERT_GE(s, 0);
      send_text(s, "GET /v1.47/events?since=" + since + " HTTP/1.1\r\nHost: docker\r\n\r\n");
    }
    ASSERT_TRUE(poll_until([&] { return fake_->event_stream_count() == 10; })) << fake_->event_stream_count();
    churn("streamed" + std::to_string(round));
    close_all();
    churn("live" + std::to_string(round));
    ASSERT_TRUE(poll_until([&] { return fake_->event_stream_count() == 0; }))
        << "round " << round << ": " << fake_->event_stream_count() << " live streams kept for clients that are gone";
  }
  EXPECT_EQ(call(verb::get, "/_ping").status, 200u);
}

TEST_F(FakeDockerBadClients, WaitRequestsOfClientsThatHungUpAreForgotten) {
  // `docker wait` clients that hang up before the answer's header goes out: each one the fake
  // kept would stay until its container exits, or forever if it never does.
  for (int round = 0; round < 20; ++round) {
    for (int i = 0; i < 10; ++i) {
      const int s = connect_raw();
      ASSERT_GE(s, 0);
      send_text(s, "POST /v1.47/containers/web/wait?condition=next-exit HTTP/1.1\r\nHost: docker\r\n"
                   "Content-Length: 0\r\n\r\n");
    }
    for (int s : sockets_) ::close(s);
    sockets_.clear();
    ASSERT_TRUE(poll_until([&] { return fake_->exit_waiter_count() == 0; }))
        << "round " << round << ": " << fake_->exit_waiter_count() << " waits kept for clients that are gone";
  }
  // One that stays is answered when the container exits.
  const int s = connect_raw();
  ASSERT_GE(s, 0);
  send_text(s, "POST /v1.47/containers/web/wait?condition=next-exit HTTP/1.1\r\nHost: docker\r\nContent-Length: 0\r\n"
               "Connection: close\r\n\r\n");
  ASSERT_TRUE(poll_until([&] { return fake_->exit_waiter_count() == 1; }));
  ASSERT_EQ(call(verb::post, "/v1.47/containers/web/kill").status, 204u);
  EXPECT_NE(read_all(s, 2000ms).find("{\"StatusCode\":137,\"Error\":null}"), std::string::npos);
  EXPECT_EQ(fake_->exit_waiter_count(), 0u);
}

}  // namespace
