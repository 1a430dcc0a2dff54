// The etcd and skydns2 backends over etcd v3's JSON gateway, against a real etcd
// (Debian etcd-server): URI forms, key/value layout, register/deregister, TTL leases that live
// while refreshed and expire when refresh stops, and a 3-member cluster.
#include <gtest/gtest.h>

#include "tests/support/process/etcd_process.hpp"
#include "registrator/backends/etcd_backend.hpp"
#include "registrator/backends/registry_factory.hpp"
#include "registrator/app/log.hpp"

using namespace registrator;
using namespace std::chrono_literals;

namespace {

Service web_service(std::int64_t ttl = 0) {
  Service s;
  s.id = "host1:web5:80";
  s.name = "web";
  s.ip = "172.17.0.2";
  s.port = 7679;
  s.ttl = ttl;
  return s;
}

EtcdBackend& as_etcd(const RegistryBackendPtr& p) {
  auto* e = dynamic_cast<EtcdBackend*>(p.get());
  if (!e) throw std::runtime_error("not an EtcdBackend");
  return *e;
}

class EtcdTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { etcd_ = new regtest::EtcdCluster(1); }
  static void TearDownTestSuite() {
    delete etcd_;
    etcd_ = nullptr;
  }
  void SetUp() override { log::set_sink([](std::string_view) {}); }
  void TearDown() override { log::set_sink({}); }
  static regtest::EtcdCluster* etcd_;
};
regtest::EtcdCluster* EtcdTest::etcd_ = nullptr;

struct LayoutCase {
  std::string uri;
  std::string address;
  std::string key;
  std::string value;
};

TEST(EtcdUri, DocumentedFormsGiveUpstreamKeysAndValues) {
  const std::vector<LayoutCase> cases = {
      {"etcd://127.0.0.1:2379/services", "127.0.0.1:2379", "/services/web/host1:web5:80", "172.17.0.2:7679"},
      {"etcd:///services", "127.0.0.1:2379", "/services/web/host1:web5:80", "172.17.0.2:7679"},
      {"etcd://10.0.0.1:4001", "10.0.0.1:4001", "/web/host1:web5:80", "172.17.0.2:7679"},
      {"skydns2://127.0.0.1:2379/cluster.local", "127.0.0.1:2379", "/skydns/local/cluster/web/host1:web5:80",
       R"({"host":"172.17.0.2","port":7679})"},
      {"skydns2:///skydns.local", "127.0.0.1:2379", "/skydns/local/skydns/web/host1:web5:80",
       R"({"host":"172.17.0.2","port":7679})"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.uri);
    auto backend = make_registry(c.uri);
    auto& etcd = as_etcd(backend);
    EXPECT_EQ(etcd.client().endpoint().host + ":" + etcd.client().endpoint().port, c.address);
    EXPECT_EQ(etcd.layout().key(web_service()), c.key);
    EXPECT_EQ(etcd.layout().value(web_service()), c.value);
  }
}

TEST(EtcdUri, Skydns2WithoutDomainIsRejectedAsUpstream) {
  for (const char* uri : {"skydns2://127.0.0.1:2379", "skydns2://127.0.0.1:2379/"}) {
    try {
      make_registry(uri);
      ADD_FAILURE() << uri << " accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_STREQ(e.what(), "skydns2: dns domain required e.g.: skydns2://<host>/<domain>");
    }
  }
}

TEST_F(EtcdTest, RegisterWritesIpPortAndDeregisterDeletesIt) {
  auto backend = make_registry("etcd://" + etcd_->address() + "/services");
  backend->ping();
  EtcdClient reader(etcd_->endpoint());
  backend->register_service(web_service());
  EXPECT_EQ(reader.get("/services/web/host1:web5:80").value_or("<missing>"), "172.17.0.2:7679");
  EXPECT_EQ(as_etcd(backend).lease_of("/services/web/host1:web5:80"), 0);  // no -ttl: no lease
  EXPECT_TRUE(backend->services().empty());
  backend->deregister(web_service());
  EXPECT_FALSE(reader.get("/services/web/host1:web5:80").has_value());
}

TEST_F(EtcdTest, Skydns2RecordIsUpstreamJsonUnderTheReversedDomain) {
  auto backend = make_registry("skydns2://" + etcd_->address() + "/skydns.local");
  backend->ping();
  Service s = web_service();
  s.id = "redis-1";
  backend->register_service(s);
  EtcdClient reader(etcd_->endpoint());
  auto all = reader.get_prefix("/skydns/local/skydns/");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all.begin()->first, "/skydns/local/skydns/web/redis-1");
  EXPECT_EQ(all.begin()->second, R"({"host":"172.17.0.2","port":7679})");
  backend->deregister(s);
  EXPECT_TRUE(reader.get_prefix("/skydns/local/skydns/").empty());
}

TEST_F(EtcdTest, TtlKeyLivesWhileRefreshedAndExpiresWhenRefreshStops) {
  auto backend = make_registry("etcd://" + etcd_->address() + "/ttl");
  EtcdClient reader(etcd_->endpoint());
  const Service s = web_service(2);
  const std::string key = "/ttl/web/host1:web5:80";
  backend->register_service(s);
  const auto first_lease = as_etcd(backend).lease_of(key);
  EXPECT_NE(first_lease, 0);

  // Refresh every 500 ms for 3 s (longer than the 2 s TTL): the key must stay, on the same lease.
  const auto until = std::chrono::steady_clock::now() + 3s;
  int refreshes = 0;
  while (std::chrono::steady_clock::now() < until && refreshes < 20) {
    backend->refresh(s);
    ++refreshes;
    ASSERT_TRUE(reader.get(key).has_value()) << "expired after " << refreshes << " refreshes";
    std::this_thread::sleep_for(500ms);  // the refresh cadence under test, not a wait for a condition
  }
  EXPECT_EQ(as_etcd(backend).lease_of(key), first_lease);

  // No more refreshes: etcd expires the lease and the key with it.
  EXPECT_TRUE(regtest::eventually([&] { return !reader.get(key).has_value(); }, 8s)) << "key never expired";

  // A refresh after expiry registers again, on a new lease.
  backend->refresh(s);
  EXPECT_EQ(reader.get(key).value_or("<missing>"), "172.17.0.2:7679");
  EXPECT_NE(as_etcd(backend).lease_of(key), first_lease);
  backend->deregister(s);
  EXPECT_FALSE(reader.get(key).has_value());
}

TEST_F(EtcdTest, UnreachableEtcdIsAnErrorNamingThePeer) {
  auto backend = make_registry("etcd://127.0.0.1:1/services");
  try {
    backend->ping();
    FAIL() << "ping succeeded";
  } catch (const RegistryError& e) {
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:1"), std::string::npos) << e.what();
  }
}

TEST(EtcdThreeMemberCluster, RegistrationThroughOneMemberIsVisibleThroughAnother) {
  log::set_sink([](std::string_view) {});
  regtest::EtcdCluster cluster(3);
  auto backend = make_registry("etcd://" + cluster.address(0) + "/services");
  backend->register_service(web_service(5));
  EtcdClient other(cluster.endpoint(2));
  EXPECT_EQ(other.get("/services/web/host1:web5:80").value_or("<missing>"), "172.17.0.2:7679");
  backend->deregister(web_service(5));
  EXPECT_FALSE(other.get("/services/web/host1:web5:80").has_value());
  log::set_sink({});
}

}  // namespace
