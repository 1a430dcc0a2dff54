#include "bench/common/registrator_rig.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "tests/support/registrator/docker_request.hpp"

using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace bench {

namespace {

std::string container_name(int index) { return "c" + std::to_string(100000 + index); }

}  // namespace

RegistratorRig::RegistratorRig(const std::string& tag, int event_history) : dir_(tag) {
  socket_ = (dir_.path() / "docker.sock").string();
  docker_ = std::make_unique<test_support::ChildProcess>(
      test_support::Command{regtest::bin("fake-docker"), "--socket", socket_, "--event-history",
                            std::to_string(event_history), "--ready-file", (dir_.path() / "docker.ready").string()},
      test_support::Output::log_file(dir_.path() / "docker.log"));
  consul_ = std::make_unique<test_support::ChildProcess>(
      test_support::Command{regtest::bin("fake-consul"), "--http", "127.0.0.1:0", "--ready-file",
                            (dir_.path() / "consul.ready").string()},
      test_support::Output::log_file(dir_.path() / "consul.log"));
  if (!regtest::eventually(
          [&] { return fs::exists(dir_.path() / "docker.ready") && fs::exists(dir_.path() / "consul.ready"); }, 20s))
    throw std::runtime_error("fake-docker or fake-consul did not start: see " + dir_.path().string());
  consul_addr_ = nlohmann::json::parse(regtest::read_text(dir_.path() / "consul.ready")).at("http").get<std::string>();
  const auto colon = consul_addr_.rfind(':');
  docker_client_ = std::make_unique<registrator::http::Client>(registrator::http::Endpoint::unix_socket(socket_));
  consul_client_ = std::make_unique<registrator::http::Client>(
      registrator::http::Endpoint::tcp(consul_addr_.substr(0, colon), consul_addr_.substr(colon + 1)));
}

void RegistratorRig::create(int first, int count, bool start) {
  const std::string body = R"({"Image":"registry.example.com/shop/web:1.2","ExposedPorts":{"80/tcp":{}},)"
                           R"("HostConfig":{"PortBindings":{"80/tcp":[{"HostPort":""}]}}})";
  for (int i = first; i < first + count; ++i) {
    const auto r = docker_client_->send(
        regtest::json_request("POST", "/v1.47/containers/create?name=" + container_name(i), body), 30s);
    if (r.status != 201) throw std::runtime_error("create " + container_name(i) + ": " + std::to_string(r.status) + " " + r.body);
    if (start) this->start(i);
  }
}

void RegistratorRig::start(int index) {
  const auto r = docker_client_->send(
      regtest::json_request("POST", "/v1.47/containers/" + container_name(index) + "/start"), 30s);
  if (r.status != 204) throw std::runtime_error("start " + container_name(index) + ": " + std::to_string(r.status) + " " + r.body);
}

void RegistratorRig::start_registrator(const std::vector<std::string>& args) {
  std::vector<std::string> argv{regtest::bin("registrator")};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("consul://" + consul_addr_);
  registrator_ = std::make_unique<test_support::ChildProcess>(
      test_support::Command{argv}.env("DOCKER_HOST", "unix://" + socket_),
      test_support::Output::log_file(dir_.path() / "registrator.log"));
}

bool RegistratorRig::registrator_listening(std::chrono::milliseconds timeout) {
  return regtest::eventually(
      [&] { return regtest::read_text(dir_.path() / "registrator.log").find("Listening for Docker events") != std::string::npos; },
      timeout);
}

std::size_t RegistratorRig::registered() {
  const auto r = consul_client_->send(regtest::json_request("GET", "/v1/agent/services"), 30s);
  return r.status == 200 ? nlohmann::json::parse(r.body).size() : 0;
}

void RegistratorRig::stop_registrator() { registrator_.reset(); }

}  // namespace bench
