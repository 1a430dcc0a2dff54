// --agent NAME=IP:PORT,netns=PATH: that agent's HTTP listener lives inside a network namespace
// the test creates (ip netns add), reachable from inside it (nsenter ... curl) and not from the
// root namespace, while it shares the catalog with the agents outside. Needs root.
#include "tests/fakes/consul/binary_fixture.hpp"

#include <atomic>

namespace {

using namespace consul_binary;

/// A network namespace with lo up, deleted when the handle goes away (also when a test fails).
class TestNetns {
 public:
  TestNetns() {
    static std::atomic<int> counter{0};
    name_ = "fc-netns-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    ok_ = test_support::run_shell("ip netns add " + name_ + " 2>/dev/null").exit_code == 0 &&
          test_support::run_shell("ip -n " + name_ + " link set lo up").exit_code == 0;
  }
  ~TestNetns() { test_support::run_shell("ip netns delete " + name_ + " 2>/dev/null"); }
  TestNetns(const TestNetns&) = delete;
  TestNetns& operator=(const TestNetns&) = delete;
  bool ok() const { return ok_; }
  std::string path() const { return "/var/run/netns/" + name_; }
  /// Runs a shell command inside the namespace and returns its stdout.
  std::string run(const std::string& command) const { return run_capture("nsenter --net=" + path() + " " + command); }

 private:
  std::string name_;
  bool ok_ = false;
};

class ConsulNetnsTest : public ConsulBinaryTest {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "creating network namespaces needs root";
    ConsulBinaryTest::SetUp();
  }
};

TEST_F(ConsulNetnsTest, AgentAnswersInsideItsNamespaceOnlyAndSharesTheCatalog) {
  TestNetns netns;
  ASSERT_TRUE(netns.ok()) << "ip netns add failed";
  json ready = launch({"--agent", "node2=127.0.0.2:0,netns=" + netns.path()});
  ASSERT_TRUE(ready.contains("agents")) << ready.dump();
  const std::string node2 = ready["agents"]["node2"];
  ASSERT_TRUE(node2.starts_with("127.0.0.2:")) << node2;

  const std::string curl = "curl -s -m 5 ";
  const std::string self = netns.run(curl + "http://" + node2 + "/v1/agent/self");
  ASSERT_FALSE(self.empty()) << "no answer inside the namespace";
  EXPECT_EQ(json::parse(self)["Config"]["NodeName"], "node2") << self;

  const std::string status = netns.run(curl + "-o /dev/null -w '%{http_code}' -X PUT -d " +
                                       "'{\"ID\":\"ns-web\",\"Name\":\"web\",\"Port\":80,\"Address\":\"10.1.0.2\"}' " +
                                       "http://" + node2 + "/v1/agent/service/register");
  EXPECT_EQ(status, "200");
  auto catalog = json::parse(fakes::http::fetch(endpoint_of(ready["http"]), verb::get, "/v1/catalog/service/web").body);
  ASSERT_EQ(catalog.size(), 1u) << catalog.dump();
  EXPECT_EQ(catalog[0]["Node"], "node2");
  EXPECT_EQ(catalog[0]["ServiceID"], "ns-web");

  // From the root namespace the same address and port is not that agent (nothing, or someone else).
  std::optional<fakes::http::ClientResponse> outside;
  try {
    outside = fakes::http::fetch(endpoint_of(node2), verb::get, "/v1/agent/self", {}, {}, 2s);
  } catch (const fakes::http::ClientError&) {
  }
  if (outside) {
    EXPECT_EQ(outside->body.find("\"node2\""), std::string::npos) << outside->body;
  }

  child_->signal(SIGTERM);
  EXPECT_EQ(child_->wait_exit(10s), 0);
}

TEST_F(ConsulNetnsTest, NamespaceThatCannotBeEnteredExitsTwoNamingThePath) {
  const fs::path err = dir_ / "netns.log";
  const fs::path not_a_namespace = dir_ / "plain-file";
  std::ofstream(not_a_namespace) << "x";
  for (const auto& [path, message] : std::vector<std::pair<std::string, std::string>>{
           {"/nonexistent/netns", "fake-consul: cannot open network namespace /nonexistent/netns: No such file or directory"},
           {not_a_namespace.string(), "fake-consul: cannot enter network namespace " + not_a_namespace.string() +
                                          ": Invalid argument (not a network namespace)"}}) {
    child_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{binary_, "--http", "127.0.0.1:0", "--agent", "node2=127.0.0.2:0,netns=" + path},
        Output::fresh_log_file(err));
    EXPECT_EQ(child_->wait_exit(10s), 2) << path;
    EXPECT_TRUE(read_file(err).starts_with(message)) << read_file(err);
  }
}

}  // namespace
