// The query forms beyond plain service/node lookups, bytes in / bytes out: PTR, alt_domain,
// service_ttl / node_ttl, CNAME, a_record_limit, other qtypes, SOA/NS, ANY.
#include "fakes/dns/answers/query_handler.hpp"
#include "fakes/dns/wire/wire.hpp"
#include "tests/fakes/dns/query_builder.hpp"
#include "tests/fakes/dns/stub_directory.hpp"

#include <gtest/gtest.h>

#include <set>

namespace fakes::dns {
namespace {

class dnsQueryForms : public ::testing::Test {
 protected:
  Message ask(std::string_view name, std::uint16_t type, Transport t = Transport::kUdp,
              std::optional<std::uint16_t> edns = std::nullopt) {
    QueryHandler handler(directory_, config_);
    const auto out = handler.answer(testing::build_query(name, type, edns), t);
    if (!out) throw std::runtime_error("dropped");
    return parse_message(*out);
  }
  static std::string name_of(const ResourceRecord& rr) {
    if (const auto* p = std::get_if<PtrRecord>(&rr.data)) return p->target.to_text();
    if (const auto* n = std::get_if<NsRecord>(&rr.data)) return n->host.to_text();
    if (const auto* s = std::get_if<SrvRecord>(&rr.data)) return s->target.to_text();
    return {};
  }
  static std::set<std::uint32_t> ttls(const std::vector<ResourceRecord>& rrs) {
    std::set<std::uint32_t> out;
    for (const auto& rr : rrs) out.insert(rr.ttl);
    return out;
  }

  testing::StubDirectory directory_ = testing::make_catalog();
  DnsConfig config_ = [] {
    DnsConfig c;
    c.soa_serial = 1700000000;
    c.shuffle_seed = 1;
    return c;
  }();
};

// ---- PTR ----

TEST_F(dnsQueryForms, PtrForNodeAddressNamesTheNode) {
  const Message m = ask("1.0.0.127.in-addr.arpa", rr_type::kPtr);
  EXPECT_EQ(m.header.rcode, rcode::kNoError);
  EXPECT_TRUE(m.header.aa);
  ASSERT_EQ(m.answers.size(), 1u);
  EXPECT_EQ(m.answers[0].type, rr_type::kPtr);
  EXPECT_EQ(m.answers[0].ttl, 0u);
  EXPECT_EQ(name_of(m.answers[0]), "node1.node.dc1.consul.");
  EXPECT_TRUE(m.authority.empty());
}

TEST_F(dnsQueryForms, PtrForServiceAddressNamesTheService) {
  EXPECT_EQ(name_of(ask("3.0.17.172.in-addr.arpa", rr_type::kPtr).answers.at(0)), "valami.service.dc1.consul.");
  // IPv6: 32 nibbles of 2001:db8::1, least significant first.
  const Message v6 = ask("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.IP6.ARPA", rr_type::kPtr);
  EXPECT_EQ(v6.questions.at(0).name.to_text(), "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.");
  EXPECT_EQ(name_of(v6.answers.at(0)), "v6.service.dc1.consul.");
}

TEST_F(dnsQueryForms, PtrUsesThePrimaryDomainAndSoaOnlyForSoaQueries) {
  config_.domain = "example.test";
  config_.alt_domain = "alt.test";
  const Message m = ask("1.0.0.127.in-addr.arpa", rr_type::kSoa);
  EXPECT_EQ(name_of(m.answers.at(0)), "node1.node.dc1.example.test.");
  ASSERT_EQ(m.authority.size(), 1u);
  EXPECT_EQ(m.authority[0].type, rr_type::kSoa);
}

TEST_F(dnsQueryForms, UnknownOrPartialReverseNameIsServFailLikeRecursorlessConsul) {
  for (const char* name : {"9.9.9.9.in-addr.arpa", "0.17.172.in-addr.arpa", "03.0.17.172.in-addr.arpa", "arpa"}) {
    const Message m = ask(name, rr_type::kPtr, Transport::kUdp, 1232);
    EXPECT_EQ(m.header.rcode, rcode::kServFail) << name;
    EXPECT_FALSE(m.header.aa) << name;
    EXPECT_TRUE(m.header.ra) << name;
    EXPECT_TRUE(m.answers.empty()) << name;
    ASSERT_EQ(m.additional.size(), 1u) << name;  // the OPT is echoed
    EXPECT_EQ(m.additional[0].type, rr_type::kOpt);
  }
}

// ---- alt_domain ----

TEST_F(dnsQueryForms, AltDomainAnswersWithNamesUnderTheDomainAsked) {
  config_.alt_domain = "Alt.Test";
  EXPECT_EQ(ask("valami.service.alt.test", rr_type::kA).answers.size(), 1u);
  EXPECT_EQ(ask("valami.service.consul", rr_type::kA).answers.size(), 1u);
  const Message srv = ask("web.service.dc1.alt.test", rr_type::kSrv);
  ASSERT_FALSE(srv.answers.empty());
  EXPECT_TRUE(name_of(srv.answers[0]).ends_with(".addr.dc1.alt.test.")) << name_of(srv.answers[0]);
  EXPECT_TRUE(srv.additional.at(0).name.to_text().ends_with(".addr.dc1.alt.test."));
  EXPECT_EQ(ask("nosuch.service.alt.test", rr_type::kA).authority.at(0).name.to_text(), "alt.test.");
  EXPECT_EQ(ask("nosuch.service.consul", rr_type::kA).authority.at(0).name.to_text(), "consul.");
  EXPECT_EQ(ask("example.com", rr_type::kA).header.rcode, rcode::kRefused);
}

// ---- TTLs ----

TEST_F(dnsQueryForms, ServiceTtlExactBeatsLongestPrefixBeatsStar) {
  config_.service_ttls = {{"web", 5}, {"w*", 7}, {"wa*", 8}, {"*", 9}};
  EXPECT_EQ(ttls(ask("web.service.consul", rr_type::kA).answers), (std::set<std::uint32_t>{5}));
  EXPECT_EQ(ttls(ask("warn.service.consul", rr_type::kA).answers), (std::set<std::uint32_t>{8}));
  EXPECT_EQ(ttls(ask("db.service.consul", rr_type::kA).answers), (std::set<std::uint32_t>{9}));
  const Message srv = ask("db.service.consul", rr_type::kSrv);  // extras carry the service TTL too
  EXPECT_EQ(ttls(srv.answers), (std::set<std::uint32_t>{9}));
  EXPECT_EQ(ttls(srv.additional), (std::set<std::uint32_t>{9}));
  config_.service_ttls = {{"web", 5}};
  config_.service_ttl = 3;  // no match: the default
  EXPECT_EQ(ttls(ask("db.service.consul", rr_type::kA).answers), (std::set<std::uint32_t>{3}));
}

TEST_F(dnsQueryForms, NodeTtlAppliesToNodeAndAddrLookups) {
  config_.node_ttl = 30;
  config_.service_ttl = 10;
  EXPECT_EQ(ttls(ask("node1.node.consul", rr_type::kAny).answers), (std::set<std::uint32_t>{30}));
  EXPECT_EQ(ttls(ask("ac110003.addr.dc1.consul", rr_type::kA).answers), (std::set<std::uint32_t>{30}));
  EXPECT_EQ(ttls(ask("valami.service.consul", rr_type::kA).answers), (std::set<std::uint32_t>{10}));
}

// ---- CNAME and a_record_limit ----

TEST_F(dnsQueryForms, HostnameAddressAnswersOneCname) {
  const Message m = ask("ext.service.consul", rr_type::kA);
  EXPECT_EQ(m.header.rcode, rcode::kNoError);
  ASSERT_EQ(m.answers.size(), 1u);  // Consul keeps only the first CNAME
  EXPECT_EQ(m.answers[0].type, rr_type::kCname);
  EXPECT_EQ(m.answers[0].name.to_text(), "ext.service.consul.");
  const std::string target = name_of(m.answers[0]);
  EXPECT_TRUE(target == "db.example.com." || target == "db2.example.com.") << target;
  EXPECT_TRUE(m.authority.empty());
}

TEST_F(dnsQueryForms, IpAnswersWinOverCname) {
  const Message m = ask("mixed.service.consul", rr_type::kA);
  ASSERT_EQ(m.answers.size(), 1u);
  EXPECT_EQ(m.answers[0].type, rr_type::kA);
}

TEST_F(dnsQueryForms, SrvForHostnameTargetsTheHostname) {
  std::set<std::string> targets;
  for (const auto& rr : ask("ext.service.consul", rr_type::kSrv).answers) targets.insert(name_of(rr));
  EXPECT_EQ(targets, (std::set<std::string>{"db.example.com.", "db2.example.com."}));
}

TEST_F(dnsQueryForms, ARecordLimitCapsAddressAnswersNotSrv) {
  config_.a_record_limit = 2;
  EXPECT_EQ(ask("web.service.consul", rr_type::kA, Transport::kTcp).answers.size(), 2u);
  EXPECT_EQ(ask("web.service.consul", rr_type::kSrv, Transport::kTcp).answers.size(), 4u);
  config_.a_record_limit = 0;
  EXPECT_EQ(ask("web.service.consul", rr_type::kA, Transport::kTcp).answers.size(), 4u);
}

// ---- other qtypes, SOA/NS, ANY ----

TEST_F(dnsQueryForms, UnsupportedTypeOnKnownNameIsNoDataWithSoaAsConsul115) {
  const Message mx = ask("valami.service.consul", 15 /* MX */);
  EXPECT_EQ(mx.header.rcode, rcode::kNoError);
  EXPECT_TRUE(mx.answers.empty());
  ASSERT_EQ(mx.authority.size(), 1u);
  EXPECT_EQ(mx.authority[0].type, rr_type::kSoa);
  const Message axfr = ask("consul", 252 /* AXFR */, Transport::kTcp);
  EXPECT_EQ(axfr.header.rcode, rcode::kNotImp);
  EXPECT_TRUE(axfr.authority.empty());
}

TEST_F(dnsQueryForms, SoaAnswersWithNsAndGlue) {
  for (const char* name : {"consul", "valami.service.consul", "nosuch.service.consul"}) {
    const Message m = ask(name, rr_type::kSoa);
    EXPECT_EQ(m.header.rcode, rcode::kNoError) << name;
    ASSERT_EQ(m.answers.size(), 1u) << name;
    const auto& soa = std::get<SoaRecord>(m.answers[0].data);
    EXPECT_EQ(soa.mname.to_text(), "ns.consul.");
    EXPECT_EQ(soa.rname.to_text(), "hostmaster.consul.");
    ASSERT_EQ(m.authority.size(), 1u) << name;
    EXPECT_EQ(name_of(m.authority[0]), "node1.node.dc1.consul.");
    ASSERT_EQ(m.additional.size(), 1u) << name;
    EXPECT_EQ(m.additional[0].name.to_text(), "node1.node.dc1.consul.");
    EXPECT_EQ(std::get<ARecord>(m.additional[0].data).address, (std::array<std::uint8_t, 4>{127, 0, 0, 1}));
  }
}

TEST_F(dnsQueryForms, NsAnswersTheConsulServersOrNothing) {
  const Message m = ask("consul", rr_type::kNs);
  ASSERT_EQ(m.answers.size(), 1u);
  EXPECT_EQ(m.answers[0].name.to_text(), "consul.");
  EXPECT_EQ(m.additional.size(), 1u);
  testing::StubDirectory without_servers;
  without_servers.add_datacenter("dc1");
  QueryHandler handler(without_servers, config_);
  const Message empty = parse_message(*handler.answer(testing::build_query("consul", rr_type::kNs), Transport::kUdp));
  EXPECT_EQ(empty.header.rcode, rcode::kNoError);
  EXPECT_TRUE(empty.answers.empty());
  EXPECT_TRUE(empty.authority.empty());
}

TEST_F(dnsQueryForms, ApexWithOtherTypesIsNxDomain) {
  for (const std::uint16_t type : {rr_type::kA, rr_type::kAny, rr_type::kTxt}) {
    const Message m = ask("consul", type);
    EXPECT_EQ(m.header.rcode, rcode::kNxDomain) << type;
    EXPECT_EQ(m.authority.size(), 1u) << type;
  }
}

TEST_F(dnsQueryForms, AnyGivesEveryAddressFamilyAndNodeMeta) {
  const Message valami = ask("valami.service.consul", rr_type::kAny);
  ASSERT_EQ(valami.answers.size(), 1u);
  EXPECT_EQ(valami.answers[0].type, rr_type::kA);
  EXPECT_EQ(ask("v6.service.consul", rr_type::kAny).answers.at(0).type, rr_type::kAaaa);
  std::multiset<std::uint16_t> types;
  for (const auto& rr : ask("node1.node.consul", rr_type::kAny).answers) types.insert(rr.type);
  EXPECT_EQ(types, (std::multiset<std::uint16_t>{rr_type::kA, rr_type::kTxt, rr_type::kTxt}));
}

}  // namespace
}  // namespace fakes::dns
