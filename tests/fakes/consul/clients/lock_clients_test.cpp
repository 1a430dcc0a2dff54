// Locks against the fake-consul binary, as applications take them: the refusal of a session
// that does not exist (the safety bug: such a client believed it held the lock), Debian's
// python3-consul2 using sessions and locks, and two of its clients handing a lock over: one
// holds it, the other waits on a blocking query and gets it once the first session is gone;
// and the same library's user events and KV transactions.
#include "tests/fakes/consul/binary_fixture.hpp"

namespace consul_binary {
namespace {

const std::string kPython = "/usr/bin/python3";  // where Debian's python3-consul2 is importable

std::string script(const std::string& name) { return std::string(CONSUL_CLIENT_SCRIPTS_DIR) + "/" + name; }

class LockClientsTest : public ConsulBinaryTest {
 protected:
  void SetUp() override {
    ConsulBinaryTest::SetUp();
    if (HasFatalFailure()) return;
    const json ready = launch();
    http_ = ready.at("http").get<std::string>();
    const auto colon = http_.rfind(':');
    host_ = http_.substr(0, colon);
    port_ = http_.substr(colon + 1);
  }
  fakes::http::ClientResponse request(verb method, const std::string& target, const std::string& body = {}) {
    return fakes::http::fetch(endpoint_of(http_), method, target, body);
  }
  /// Runs one python3-consul2 client to its end.
  test_support::RunResult python(std::vector<std::string> args) {
    std::vector<std::string> argv = {kPython};
    argv.insert(argv.end(), args.begin(), args.end());
    return test_support::run(argv, {.timeout = 90s, .separate_stderr = false});
  }

  std::string http_, host_, port_;
};

TEST_F(LockClientsTest, ASessionThatDoesNotExistNeitherAcquiresNorReleases) {
  ASSERT_EQ(request(verb::put, "/v1/kv/service/leader", "nobody").body, "true");
  auto acquire = request(verb::put, "/v1/kv/service/leader?acquire=made-up-session", "me");
  EXPECT_EQ(acquire.status, 500u);
  EXPECT_EQ(acquire.body, "invalid session \"made-up-session\"");
  auto entry = json::parse(request(verb::get, "/v1/kv/service/leader").body).at(0);
  EXPECT_FALSE(entry.contains("Session"));
  EXPECT_EQ(entry["LockIndex"], 0);
  EXPECT_EQ(request(verb::get, "/v1/kv/service/leader?raw").body, "nobody");

  auto fresh = request(verb::put, "/v1/kv/fresh?acquire=made-up-session", "me");
  EXPECT_EQ(fresh.status, 500u);
  EXPECT_EQ(request(verb::get, "/v1/kv/fresh").status, 404u);

  // Consul looks no session up on release: only the holder releases, anyone else gets false.
  auto release = request(verb::put, "/v1/kv/service/leader?release=made-up-session", "me");
  EXPECT_EQ(release.status, 200u);
  EXPECT_EQ(release.body, "false");
  EXPECT_EQ(request(verb::get, "/v1/kv/service/leader?raw").body, "nobody");

  auto empty = request(verb::put, "/v1/kv/service/leader?acquire=", "me");
  EXPECT_EQ(empty.status, 500u);
  EXPECT_EQ(empty.body, "missing session");
  EXPECT_EQ(request(verb::get, "/v1/kv/service/leader?raw").body, "nobody");
}

TEST_F(LockClientsTest, PythonConsul2SessionsAndLocks) {
  auto result = python({script("consul2_sessions.py"), host_, port_});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("all checks passed"), std::string::npos) << result.output;
}

TEST_F(LockClientsTest, PythonConsul2WaiterGetsTheLockWhenTheHolderSessionIsDestroyed) {
  const std::string helper = script("consul2_lock_client.py");
  auto held = python({helper, host_, port_, "hold", "jobs/leader"});
  ASSERT_EQ(held.exit_code, 0) << held.output;
  const std::string holder = held.output.substr(0, held.output.find('\n'));

  ChildProcess waiter({kPython, helper, host_, port_, "wait", "jobs/leader"});
  ASSERT_TRUE(waiter.wait_until([&] { return waiter.output().find("waiting") != std::string::npos; }, 20s,
                                "the waiter to start waiting"));
  EXPECT_TRUE(waiter.running()) << waiter.output();  // the lock is held: it must not have got it

  auto destroyed = python({helper, host_, port_, "destroy", holder});
  ASSERT_EQ(destroyed.exit_code, 0) << destroyed.output;
  ASSERT_EQ(waiter.wait_exit(30s), 0) << waiter.output();
  EXPECT_NE(waiter.output().find("acquired LockIndex=2"), std::string::npos) << waiter.output();

  auto entry = json::parse(request(verb::get, "/v1/kv/jobs/leader").body).at(0);
  EXPECT_NE(entry["Session"], holder);
  auto sessions = json::parse(request(verb::get, "/v1/session/info/" + entry["Session"].get<std::string>()).body);
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0]["Name"], "waiter");
}

TEST_F(LockClientsTest, PythonConsul2EventsAndTransactions) {
  auto result = python({script("consul2_events_txn.py"), host_, port_});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("all checks passed"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace consul_binary
