#pragma once
// The fixture of fake-docker's HTTP API tests (api_*_test.cpp): one fake in process on a
// temporary unix socket, with the helpers those tests share. Not in an anonymous namespace:
// GoogleTest requires one fixture type for a suite whose tests live in several files.
#include "fakes/common/http/client.hpp"
#include "fakes/docker/cli_options.hpp"
#include "fakes/docker/fake_docker.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

namespace fake_docker_api_test {

namespace fd = fakes::docker;
namespace http = fakes::http;
using boost::beast::http::verb;
using nlohmann::json;

inline std::string now_seconds_text(double offset = 0) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
  ns += static_cast<long long>(offset * 1e9);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%lld.%09lld", ns / 1'000'000'000LL, ns % 1'000'000'000LL);
  return buf;
}

template <class Pred>
bool poll_until(Pred pred, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::yield();
  }
  return pred();
}

inline std::vector<json> json_lines(const std::string& body) {
  std::vector<json> out;
  std::size_t pos = 0;
  while (pos < body.size()) {
    auto nl = body.find('\n', pos);
    if (nl == std::string::npos) nl = body.size();
    if (nl > pos) out.push_back(json::parse(body.substr(pos, nl - pos)));
    pos = nl + 1;
  }
  return out;
}

// One kept-alive unix-socket connection, HTTP/1.1 exchanges read by Content-Length: what a
// client like registrator or the docker CLI does (http::fetch closes after each request).
class KeptConnection {
 public:
  explicit KeptConnection(const std::string& path) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) ADD_FAILURE() << "connect " << path;
  }
  ~KeptConnection() { ::close(fd_); }
  /// Sends `method target` and returns {head, body}.
  std::pair<std::string, std::string> exchange(const std::string& method, const std::string& target) {
    const std::string request = method + " " + target + " HTTP/1.1\r\nHost: docker\r\n\r\n";
    if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) return {};
    std::size_t end;
    while ((end = buffered_.find("\r\n\r\n")) == std::string::npos)
      if (!read_more()) return {};
    std::string head = buffered_.substr(0, end + 4);
    buffered_.erase(0, end + 4);
    const auto at = head.find("Content-Length: ");
    const std::size_t length = at == std::string::npos ? 0 : std::stoul(head.substr(at + 16));
    while (buffered_.size() < length)
      if (!read_more()) return {};
    std::string body = buffered_.substr(0, length);
    buffered_.erase(0, length);
    return {head, body};
  }

 private:
  bool read_more() {
    char buf[8192];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    buffered_.append(buf, static_cast<std::size_t>(n));
    return true;
  }
  int fd_ = -1;
  std::string buffered_;
};

class FakeDockerApi : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("fake-docker-api-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    fd::FakeDockerOptions options;
    options.socket_path = (dir_ / "docker.sock").string();
    options.seed = 42;
    options.body_limit = 64 * 1024;
    options.request_log_limit = request_log_limit_;
    options.api_version = api_version_;
    options.images = fd::ImageCatalog::from_json(R"({"test": {"ExposedPorts": {"80/tcp": {}, "443/tcp": {}}}})");
    fake_ = std::make_unique<fd::FakeDocker>(std::move(options));
    fake_->start();
  }
  void TearDown() override {
    fake_.reset();
    std::filesystem::remove_all(dir_);
  }
  http::Endpoint endpoint() const { return http::Endpoint::unix_path(fake_->socket_path()); }
  http::ClientResponse call(verb method, const std::string& target, const std::string& body = {},
                            std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return http::fetch(endpoint(), method, target, body, {{"Content-Type", "application/json"}}, timeout);
  }
  std::string run_web(const std::string& name = "web5", const std::string& host_port = "7679") {
    json body = {{"Image", "test"},
                 {"Env", {"SERVICE_NAME=valami"}},
                 {"Labels", {{"type", "frontend"}}},
                 {"ExposedPorts", {{"80/tcp", json::object()}}},
                 {"HostConfig", {{"NetworkMode", "default"}, {"PortBindings", {{"80/tcp", {{{"HostIp", ""}, {"HostPort", host_port}}}}}}}}};
    auto created = call(verb::post, "/v1.47/containers/create?name=" + name, body.dump());
    EXPECT_EQ(created.status, 201u) << created.body;
    const std::string id = json::parse(created.body).at("Id");
    auto started = call(verb::post, "/v1.47/containers/" + id + "/start");
    EXPECT_EQ(started.status, 204u) << started.body;
    return id;
  }

  std::filesystem::path dir_;
  std::unique_ptr<fd::FakeDocker> fake_;
  std::size_t request_log_limit_ = 10000;
  fd::ApiVersion api_version_{1, 47};
};

// The same fake speaking up to API 1.52.
class FakeDockerApiNewest : public FakeDockerApi {
 protected:
  void SetUp() override {
    api_version_ = fd::ApiVersion{1, 52};
    FakeDockerApi::SetUp();
  }
};

// The same fake with a request journal of 5 entries.
class FakeDockerShortJournal : public FakeDockerApi {
 protected:
  void SetUp() override {
    request_log_limit_ = 5;
    FakeDockerApi::SetUp();
  }
};

}  // namespace fake_docker_api_test

using fake_docker_api_test::FakeDockerApi;
using fake_docker_api_test::FakeDockerShortJournal;
using fake_docker_api_test::FakeDockerApiNewest;
