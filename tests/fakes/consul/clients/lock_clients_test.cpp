// Locks against the fake-consul binary, as applications take them: the refusal of a session
// that does not exist (the safety bug: such a client believed it held the lock).
#include "tests/fakes/consul/binary_fixture.hpp"

namespace consul_binary {
namespace {

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

}  // namespace
}  // namespace consul_binary
