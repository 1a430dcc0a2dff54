// The consulkv backend: URI forms from upstream docs/user/backends.md, key layout, and
// end-to-end registration against the real fake-consul binary over TCP and a unix socket.
#include <gtest/gtest.h>

#include "tests/support/process/fake_consul_process.hpp"
#include "registrator/backends/consulkv.hpp"
#include "registrator/backends/join_host_port.hpp"
#include "registrator/backends/registry_factory.hpp"
#include "registrator/app/log.hpp"

using namespace registrator;

namespace {

Service web_service() {
  Service s;
  s.id = "host1:web5:80";
  s.name = "web";
  s.ip = "172.17.0.2";
  s.port = 7679;
  return s;
}

class QuietLog : public ::testing::Test {
 protected:
  void SetUp() override { log::set_sink([](std::string_view) {}); }
  void TearDown() override { log::set_sink({}); }
};

struct UriCase {
  std::string uri;
  http::Endpoint::Kind kind;
  std::string where;  // host:port or socket path
  std::string prefix;
};

class ConsulKvUri : public QuietLog {};

TEST_F(ConsulKvUri, DocumentedFormsSelectEndpointAndPrefix) {
  ::unsetenv("CONSUL_HTTP_ADDR");
  const std::vector<UriCase> cases = {
      {"consulkv://127.0.0.1:8500/services", http::Endpoint::Kind::Tcp, "127.0.0.1:8500", "/services"},
      {"consulkv://10.0.0.5:18500/a/b", http::Endpoint::Kind::Tcp, "10.0.0.5:18500", "/a/b"},
      {"consulkv:///services", http::Endpoint::Kind::Tcp, "127.0.0.1:8500", "/services"},
      {"consulkv-unix:///tmp/consul.sock:/services", http::Endpoint::Kind::Unix, "/tmp/consul.sock", "/services"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.uri);
    auto backend = make_registry(c.uri);
    auto* kv = dynamic_cast<ConsulKvBackend*>(backend.get());
    ASSERT_NE(kv, nullptr);
    EXPECT_EQ(kv->endpoint().kind, c.kind);
    EXPECT_EQ(c.kind == http::Endpoint::Kind::Unix ? kv->endpoint().path
                                                   : kv->endpoint().host + ":" + kv->endpoint().port,
              c.where);
    EXPECT_EQ(kv->prefix(), c.prefix);
  }
}

TEST_F(ConsulKvUri, UnixFormWithoutPrefixIsRejectedWithTheExpectedShape) {
  try {
    make_registry("consulkv-unix:///tmp/consul.sock");
    FAIL() << "accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("consulkv-unix:///path/to/socket:/prefix"), std::string::npos) << e.what();
  }
}

TEST(ConsulKvKey, IsPrefixWithoutLeadingSlashThenNameThenId) {
  EXPECT_EQ(consulkv_key("/services", web_service()), "services/web/host1:web5:80");
  EXPECT_EQ(consulkv_key("/a/b", web_service()), "a/b/web/host1:web5:80");
  EXPECT_EQ(join_host_port("172.17.0.2", 80), "172.17.0.2:80");
  EXPECT_EQ(join_host_port("fd00::2", 80), "[fd00::2]:80");
}

class ConsulKvAgainstFakeConsul : public QuietLog {};

TEST_F(ConsulKvAgainstFakeConsul, RegisterPutsIpPortAndDeregisterDeletesTheKey) {
  regtest::FakeConsulProcess consul;
  auto backend = make_registry("consulkv://" + consul.http_address() + "/services");
  backend->ping();
  backend->register_service(web_service());

  auto r = consul.get("/v1/kv/services/web/host1:web5:80?raw");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "172.17.0.2:7679");
  EXPECT_TRUE(backend->services().empty());  // upstream returns no services

  backend->deregister(web_service());
  EXPECT_EQ(consul.get("/v1/kv/services/web/host1:web5:80?raw").status, 404u);
}

TEST_F(ConsulKvAgainstFakeConsul, UnixSocketFormReachesTheSameStore) {
  regtest::FakeConsulProcess consul;
  auto backend = make_registry("consulkv-unix://" + consul.socket_path() + ":/kv/prefix");
  backend->ping();
  backend->register_service(web_service());
  auto r = consul.get("/v1/kv/kv/prefix/web/host1:web5:80?raw");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "172.17.0.2:7679");
}

TEST_F(ConsulKvAgainstFakeConsul, UnreachableConsulIsAnErrorNamingThePeer) {
  auto backend = make_registry("consulkv://127.0.0.1:1/services");
  try {
    backend->ping();
    FAIL() << "ping succeeded";
  } catch (const RegistryError& e) {
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:1"), std::string::npos) << e.what();
  }
}

}  // namespace
