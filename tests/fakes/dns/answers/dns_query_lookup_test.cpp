// `<name>.query[.<dc>].<domain>`, bytes in / bytes out: the handler asks the directory to
// execute the prepared query (the name may hold dots) and answers its instances as a service
// lookup in the datacenter they came from (failover), with the query's TTL or the service's;
// no query or no instance is NXDOMAIN with SOA.
#include "fakes/dns/answers/query_handler.hpp"
#include "fakes/dns/wire/wire.hpp"
#include "tests/fakes/dns/query_builder.hpp"
#include "tests/fakes/dns/stub_directory.hpp"

#include <gtest/gtest.h>

namespace fakes::dns {
namespace {

// A directory with one prepared query answer, which remembers what it was asked.
class QueryDirectory : public testing::StubDirectory {
 public:
  std::optional<QueryAnswer> execute_query(std::string_view dc, std::string_view name) const override {
    asked.emplace_back(std::string(dc), std::string(name));
    return answer;
  }
  std::optional<QueryAnswer> answer;
  mutable std::vector<std::pair<std::string, std::string>> asked;
};

class dnsQueryLookup : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_.add_datacenter("dc1");
    directory_.add_datacenter("dc2");
    QueryAnswer failover;
    failover.datacenter = "dc2";
    failover.service = "web";
    failover.instances.push_back(testing::instance("west1", "192.168.2.1", "10.2.0.1", 8003));
    failover.ttl = 5;
    directory_.answer = failover;
  }
  Message ask(std::string_view name, std::uint16_t type) {
    QueryHandler handler(directory_, config_);
    const auto out = handler.answer(testing::build_query(name, type, std::nullopt), Transport::kUdp);
    if (!out) throw std::runtime_error("dropped");
    return parse_message(*out);
  }

  QueryDirectory directory_;
  DnsConfig config_ = [] {
    DnsConfig c;
    c.soa_serial = 1700000000;
    c.shuffle_seed = 1;
    c.service_ttls["web"] = 30;
    return c;
  }();
};

TEST_F(dnsQueryLookup, AnswersTheExecutionFromTheDatacenterItCameFrom) {
  const Message a = ask("geo.web.query.consul", rr_type::kA);
  EXPECT_EQ(directory_.asked, (std::vector<std::pair<std::string, std::string>>{{"dc1", "geo.web"}}))
      << "the agent's datacenter, the name with its dots";
  EXPECT_EQ(a.header.rcode, rcode::kNoError);
  ASSERT_EQ(a.answers.size(), 1u);
  EXPECT_EQ(std::get<ARecord>(a.answers[0].data).address, (std::array<std::uint8_t, 4>{10, 2, 0, 1}));
  EXPECT_EQ(a.answers[0].ttl, 5u) << "the query's DNS.TTL";

  const Message srv = ask("geo.web.query.dc1.consul", rr_type::kSrv);
  ASSERT_EQ(srv.answers.size(), 1u);
  const auto& record = std::get<SrvRecord>(srv.answers[0].data);
  EXPECT_EQ(record.port, 8003);
  EXPECT_EQ(record.target.to_text(), "0a020001.addr.dc2.consul.") << "the failover datacenter, not the asked one";
  ASSERT_EQ(srv.additional.size(), 1u);
  EXPECT_EQ(srv.additional[0].name.to_text(), "0a020001.addr.dc2.consul.");
}

TEST_F(dnsQueryLookup, WithoutAQueryTtlTheServiceTtlApplies) {
  directory_.answer->ttl.reset();
  EXPECT_EQ(ask("geo.query.consul", rr_type::kA).answers.at(0).ttl, 30u);
}

TEST_F(dnsQueryLookup, NoQueryOrNoInstanceIsNxdomainWithSoa) {
  directory_.answer->instances.clear();
  const Message empty = ask("geo.query.consul", rr_type::kA);
  EXPECT_EQ(empty.header.rcode, rcode::kNxDomain);
  ASSERT_EQ(empty.authority.size(), 1u);
  EXPECT_EQ(empty.authority[0].type, rr_type::kSoa);

  directory_.answer.reset();
  EXPECT_EQ(ask("nothing.query.consul", rr_type::kSrv).header.rcode, rcode::kNxDomain);
  directory_.asked.clear();
  EXPECT_EQ(ask("geo.query.dc9.consul", rr_type::kA).header.rcode, rcode::kNxDomain);
  EXPECT_TRUE(directory_.asked.empty()) << "an unknown datacenter is not asked";
  EXPECT_EQ(ask("query.consul", rr_type::kA).header.rcode, rcode::kNxDomain) << "no query name";
}

}  // namespace
}  // namespace fakes::dns
