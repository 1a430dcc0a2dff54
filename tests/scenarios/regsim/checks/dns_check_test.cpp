// DNS comparison: answers as a multiset, TTLs, NXDOMAIN, SRV fields.
#include "scenarios/regsim/checks/dns_check.hpp"

#include <gtest/gtest.h>

namespace regsim {
namespace {

DnsCondition expect_a(std::vector<std::string> addresses, MatchMode match = MatchMode::exactly) {
  DnsCondition c;
  c.name = "valami.service.dc1.consul";
  c.addresses = std::move(addresses);
  c.match = match;
  return c;
}

DnsReply a_reply(std::vector<AddressRecord> records) {
  DnsReply r;
  r.status = records.empty() ? DnsReply::Status::nodata : DnsReply::Status::answered;
  r.addresses = std::move(records);
  return r;
}

DnsReply nxdomain() {
  DnsReply r;
  r.status = DnsReply::Status::nxdomain;
  return r;
}

TEST(DnsCheck, SameAddressesPassInAnyOrder) {
  const auto r = compare_dns(expect_a({"10.186.150.172", "10.186.150.173"}),
                             a_reply({{"10.186.150.173", 0}, {"10.186.150.172", 0}}));
  EXPECT_TRUE(r.held) << r.detail;
  EXPECT_EQ(r.detail, "[10.186.150.172, 10.186.150.173], as expected");
}

TEST(DnsCheck, MissingAnswerShowsBothLists) {
  const auto r = compare_dns(expect_a({"172.17.0.2"}), nxdomain());
  EXPECT_FALSE(r.held);
  EXPECT_EQ(r.detail, "expected [172.17.0.2], got [] (NXDOMAIN)");
}

TEST(DnsCheck, DuplicateRecordsAreNotOne) {
  const auto r = compare_dns(expect_a({"172.17.0.3"}), a_reply({{"172.17.0.3", 0}, {"172.17.0.3", 0}}));
  EXPECT_FALSE(r.held);
  EXPECT_EQ(r.detail, "expected [172.17.0.3], got [172.17.0.3, 172.17.0.3]");
}

TEST(DnsCheck, ExtraAnswerFailsExactlyButNotContains) {
  const auto reply = a_reply({{"1.1.1.1", 0}, {"2.2.2.2", 0}});
  EXPECT_FALSE(compare_dns(expect_a({"1.1.1.1"}), reply).held);
  const auto r = compare_dns(expect_a({"1.1.1.1"}, MatchMode::contains), reply);
  EXPECT_TRUE(r.held) << r.detail;
  const auto missing = compare_dns(expect_a({"3.3.3.3"}, MatchMode::contains), reply);
  EXPECT_EQ(missing.detail, "expected to contain [3.3.3.3], got [1.1.1.1, 2.2.2.2]");
}

TEST(DnsCheck, EmptyExpectationAcceptsNxdomainAndNodata) {
  EXPECT_EQ(compare_dns(expect_a({}), nxdomain()).detail, "no answers (NXDOMAIN), as expected");
  EXPECT_TRUE(compare_dns(expect_a({}), a_reply({})).held);
  auto strict = expect_a({});
  strict.rcode = "NXDOMAIN";
  const auto r = compare_dns(strict, a_reply({}));
  EXPECT_FALSE(r.held);
  EXPECT_EQ(r.detail, "expected NXDOMAIN, got an answer with 0 records");
  strict.rcode = "NOERROR";
  EXPECT_EQ(compare_dns(strict, nxdomain()).detail, "expected NOERROR, got NXDOMAIN");
}

TEST(DnsCheck, TtlIsCheckedPerRecord) {
  auto c = expect_a({"172.17.0.3"});
  c.ttl = 0;
  EXPECT_EQ(compare_dns(c, a_reply({{"172.17.0.3", 0}})).detail, "[172.17.0.3], TTL 0, as expected");
  const auto r = compare_dns(c, a_reply({{"172.17.0.3", 30}}));
  EXPECT_FALSE(r.held);
  EXPECT_EQ(r.detail, "TTL expected 0, got 30 (172.17.0.3)");
}

TEST(DnsCheck, QueryFailureIsReported) {
  DnsReply failed;
  failed.error = "no answer in time";
  EXPECT_EQ(compare_dns(expect_a({}), failed).detail, "query failed: no answer in time");
}

TEST(DnsCheck, SrvComparesOnlyTheNamedFields) {
  DnsCondition c;
  c.type = DnsType::SRV;
  c.srv = {SrvAnswer{80, std::nullopt, std::nullopt, std::nullopt},
           SrvAnswer{443, std::string("AC110003.addr.dc1.consul."), std::nullopt, std::nullopt}};
  DnsReply reply;
  reply.status = DnsReply::Status::answered;
  reply.srv = {{1, 1, 443, "ac110003.addr.dc1.consul"}, {1, 1, 80, "ac110003.addr.dc1.consul"}};
  const auto r = compare_dns(c, reply);
  EXPECT_TRUE(r.held) << r.detail;
  c.srv[0].port = 8080;
  const auto wrong = compare_dns(c, reply);
  EXPECT_FALSE(wrong.held);
  EXPECT_EQ(wrong.detail,
            "expected [* * 8080 *, * * 443 AC110003.addr.dc1.consul.], got [1 1 443 ac110003.addr.dc1.consul, "
            "1 1 80 ac110003.addr.dc1.consul]");
}

}  // namespace
}  // namespace regsim
