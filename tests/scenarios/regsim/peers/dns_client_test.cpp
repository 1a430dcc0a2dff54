// The c-ares client against the fake Consul DNS server (in-process, on 127.0.0.1, port 0).
#include "scenarios/regsim/peers/dns_client.hpp"

#include "fakes/dns/dns_server.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/udp.hpp>
#include <gtest/gtest.h>

#include <thread>

namespace regsim {
namespace {

class OneServiceDirectory : public fakes::dns::ServiceDirectory {
 public:
  std::vector<fakes::dns::ServiceInstance> service_instances(std::string_view datacenter,
                                                             std::string_view service) const override {
    if (datacenter != "dc1" || service != "valami") return {};
    fakes::dns::ServiceInstance a;
    a.node = "node1";
    a.node_address = "127.0.0.1";
    a.service_address = "172.17.0.3";
    a.port = 80;
    auto b = a;
    b.port = 443;
    return {a, b};
  }
  std::optional<fakes::dns::NodeInfo> node(std::string_view, std::string_view name) const override {
    if (name != "node1") return std::nullopt;
    return fakes::dns::NodeInfo{"node1", "127.0.0.1", {}};
  }
  bool has_datacenter(std::string_view dc) const override { return dc == "dc1"; }
};

class DnsClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<fakes::dns::DnsServer>(io_, directory_, fakes::dns::DnsConfig{},
                                                      boost::asio::ip::make_address("127.0.0.1"), 0);
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    boost::asio::post(io_, [this] { server_->stop(); });
    work_.reset();
    io_.stop();
    thread_.join();
    server_.reset();
  }
  DnsClient client() const { return DnsClient("127.0.0.1", server_->port()); }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ = boost::asio::make_work_guard(io_);
  OneServiceDirectory directory_;
  std::unique_ptr<fakes::dns::DnsServer> server_;
  std::thread thread_;
};

TEST_F(DnsClientTest, AQueryGivesAddressesWithTtl) {
  const auto reply = client().query("valami.service.dc1.consul", DnsType::A, false);
  ASSERT_EQ(reply.status, DnsReply::Status::answered) << reply.error;
  ASSERT_FALSE(reply.addresses.empty());
  for (const auto& r : reply.addresses) {
    EXPECT_EQ(r.address, "172.17.0.3");
    EXPECT_EQ(r.ttl, 0u);
  }
}

TEST_F(DnsClientTest, SrvQueryGivesPortsAndTargets) {
  const auto reply = client().query("valami.service.dc1.consul", DnsType::SRV, false);
  ASSERT_EQ(reply.status, DnsReply::Status::answered) << reply.error;
  std::vector<int> ports;
  for (const auto& r : reply.srv) {
    ports.push_back(r.port);
    EXPECT_FALSE(r.target.empty());
  }
  std::sort(ports.begin(), ports.end());
  EXPECT_EQ(ports, (std::vector<int>{80, 443}));
}

TEST_F(DnsClientTest, TcpWorksToo) {
  const auto reply = client().query("valami.service.dc1.consul", DnsType::A, true);
  EXPECT_EQ(reply.status, DnsReply::Status::answered) << reply.error;
}

TEST_F(DnsClientTest, UnknownServiceIsNxdomain) {
  EXPECT_EQ(client().query("nothing.service.dc1.consul", DnsType::A, false).status, DnsReply::Status::nxdomain);
}

TEST(DnsClientNoServer, SilentServerIsAFailedReplyNotAHang) {
  // A bound UDP socket that never answers.
  boost::asio::io_context io;
  boost::asio::ip::udp::socket silent(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto started = std::chrono::steady_clock::now();
  const auto reply = DnsClient("127.0.0.1", silent.local_endpoint().port())
                         .query("valami.service.dc1.consul", DnsType::A, false, std::chrono::milliseconds(300));
  EXPECT_EQ(reply.status, DnsReply::Status::failed);
  EXPECT_FALSE(reply.error.empty());
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
}

}  // namespace
}  // namespace regsim
