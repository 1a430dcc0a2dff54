// End to end: the fake-consul binary started with --dns-* flags, a service registered over
// HTTP, answers read with the real dig as a user would.
#include "fakes/common/http/client.hpp"
#include "tests/support/process/child.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>

#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using boost::beast::http::verb;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), {}};
}

/// fake-consul with --dns-* flags as a child process; stopped and reaped on destruction.
class FakeConsulProcess {
 public:
  FakeConsulProcess(const fs::path& dir, std::vector<std::string> dns_flags)
      : child_(command(dir, std::move(dns_flags)), test_support::Output::fresh_log_file(dir / "stderr.log")) {
    const fs::path ready = dir / "ready.json";
    // The ready file is written once both listeners are bound.
    if (auto became_ready = child_.wait_for_file(ready, 20s); became_ready) {
      const auto j = nlohmann::json::parse(slurp(ready));
      http_port = port_of(j.at("http").get<std::string>());
      dns_port = std::to_string(port_of(j.at("dns").get<std::string>()));
    } else {
      error = "fake-consul did not become ready: " + std::string(became_ready.message());
    }
  }
  std::uint16_t http_port = 0;
  std::string dns_port;
  std::string error;

 private:
  static test_support::Command command(const fs::path& dir, std::vector<std::string> dns_flags) {
    const char* bin = std::getenv("REG_BIN_DIR");
    const std::string binary = std::string(bin ? bin : ".") + "/fake-consul";
    std::vector<std::string> argv = {binary, "--http", "127.0.0.1:0", "--dns", "127.0.0.1:0", "--ready-file",
                                     (dir / "ready.json").string()};
    argv.insert(argv.end(), dns_flags.begin(), dns_flags.end());
    return argv;
  }
  static std::uint16_t port_of(const std::string& host_port) {
    return static_cast<std::uint16_t>(std::stoi(host_port.substr(host_port.rfind(':') + 1)));
  }
  test_support::ChildProcess child_;
};

class dnsFakeConsulBinary : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("dns-binary-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string dig(const FakeConsulProcess& p, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"/usr/bin/dig", "@127.0.0.1", "-p", p.dns_port, "+time=3", "+tries=1"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = test_support::run(argv, {.separate_stderr = true});
    EXPECT_EQ(r.exit_code, 0) << r.output << r.error_output;
    return r.output;
  }
  static void register_valami(const FakeConsulProcess& p) {
    const auto http = fakes::http::Endpoint::tcp("127.0.0.1", p.http_port);
    const auto res = fakes::http::fetch(http, verb::put, "/v1/agent/service/register",
                                        R"({"ID":"h:web5:80","Name":"valami","Port":80,"Address":"172.17.0.3"})");
    ASSERT_EQ(res.status, 200u) << res.body;
  }
  fs::path dir_;
};

TEST_F(dnsFakeConsulBinary, AltDomainAndServiceTtlFlagsShowInDig) {
  FakeConsulProcess consul(dir_, {"--dns-alt-domain", "alt.test", "--dns-service-ttl", "val*=30s",
                                  "--dns-service-ttl=*=5s", "--dns-recursion-available", "false"});
  ASSERT_TRUE(consul.error.empty()) << consul.error;
  register_valami(consul);

  const std::string alt = dig(consul, {"valami.service.alt.test", "A"});
  EXPECT_NE(alt.find("status: NOERROR"), std::string::npos) << alt;
  EXPECT_NE(alt.find("flags: qr aa rd;"), std::string::npos) << alt;  // no ra with the flag off
  EXPECT_TRUE(std::regex_search(alt, std::regex(R"(\nvalami\.service\.alt\.test\.\s+30\s+IN\s+A\s+172\.17\.0\.3\n)")))
      << alt;
  const std::string srv = dig(consul, {"valami.service.alt.test", "SRV"});
  EXPECT_TRUE(std::regex_search(srv, std::regex(R"(\sIN\s+SRV\s+1 1 80 ac110003\.addr\.dc1\.alt\.test\.\n)"))) << srv;
  const std::string primary = dig(consul, {"valami.service.consul", "A"});
  EXPECT_NE(primary.find("status: NOERROR"), std::string::npos) << primary;
}

TEST_F(dnsFakeConsulBinary, BadDnsFlagExitsTwoNamingTheFlag) {
  const char* bin = std::getenv("REG_BIN_DIR");
  const std::string binary = std::string(bin ? bin : ".") + "/fake-consul";
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"--dns-node-ttl", "soon"}, {"--dns-service-ttl", "web"},
        {"--dns-udp-answer-limit", "0"}, {"--dns-domain", "a..b"}, {"--dns-only-passing=maybe"}}) {
    std::vector<std::string> argv = {binary, "--http", "127.0.0.1:0"};
    argv.insert(argv.end(), bad.begin(), bad.end());
    const auto r = test_support::run(argv, {.separate_stderr = true});
    EXPECT_EQ(r.exit_code, 2) << bad[0];
    const std::string first_line = r.error_output.substr(0, r.error_output.find('\n'));
    const std::string flag = bad[0].substr(0, bad[0].find('='));
    EXPECT_NE(first_line.find("bad value for " + flag), std::string::npos) << r.error_output;
  }
}

}  // namespace
