// QueryHandler, bytes in / bytes out: Consul semantics without sockets.
#include "fakes/dns/answers/query_handler.hpp"
#include "fakes/dns/wire/wire.hpp"
#include "tests/fakes/dns/stub_directory.hpp"

#include <gtest/gtest.h>

#include <set>

namespace fakes::dns {
namespace {

using testing::make_catalog;
using Bytes = std::vector<std::uint8_t>;

struct QueryOptions {
  std::uint16_t id = 0x4242;
  bool rd = true;
  std::optional<std::uint16_t> edns;
  std::uint8_t edns_version = 0;
};

Bytes query(std::string_view name, std::uint16_t type, QueryOptions o = {}) {
  Header h;
  h.id = o.id;
  h.rd = o.rd;
  PacketWriter w(h);
  w.add_question({DnsName::from_text(name), type, kClassIn});
  if (o.edns) {
    ResourceRecord opt;
    opt.type = rr_type::kOpt;
    opt.klass = *o.edns;
    opt.ttl = static_cast<std::uint32_t>(o.edns_version) << 16;
    opt.data = RawRecord{};
    w.add_record(Section::kAdditional, opt);
  }
  return w.finish();
}

DnsConfig pinned_config() {
  DnsConfig c;
  c.soa_serial = 1700000000;
  c.shuffle_seed = 1;
  return c;
}

class dnsHandler : public ::testing::Test {
 protected:
  Message ask(std::string_view name, std::uint16_t type, QueryOptions o = {}, Transport t = Transport::kUdp) {
    QueryHandler handler(directory_, config_);
    const auto out = handler.answer(query(name, type, o), t);
    if (!out) throw std::runtime_error("dropped");
    last_size_ = out->size();
    return parse_message(*out);
  }
  static std::set<std::string> a_records(const Message& m) {
    std::set<std::string> out;
    for (const auto& rr : m.answers) {
      if (const auto* a = std::get_if<ARecord>(&rr.data)) {
        out.insert(std::to_string(a->address[0]) + "." + std::to_string(a->address[1]) + "." +
                   std::to_string(a->address[2]) + "." + std::to_string(a->address[3]));
      }
    }
    return out;
  }

  testing::StubDirectory directory_ = make_catalog();
  DnsConfig config_ = pinned_config();
  std::size_t last_size_ = 0;
};

TEST_F(dnsHandler, ServiceAIsDeduplicatedWithConsulFlags) {
  const Message m = ask("valami.service.dc1.consul", rr_type::kA);
  EXPECT_EQ(m.header.id, 0x4242);
  EXPECT_TRUE(m.header.qr);
  EXPECT_TRUE(m.header.aa);
  EXPECT_TRUE(m.header.rd);
  EXPECT_TRUE(m.header.ra);
  EXPECT_FALSE(m.header.tc);
  EXPECT_EQ(m.header.rcode, rcode::kNoError);
  ASSERT_EQ(m.answers.size(), 1u);
  EXPECT_EQ(m.answers[0].name.to_text(), "valami.service.dc1.consul.");
  EXPECT_EQ(m.answers[0].ttl, 0u);
  EXPECT_EQ(a_records(m), (std::set<std::string>{"172.17.0.3"}));
  EXPECT_TRUE(m.authority.empty());
  EXPECT_TRUE(m.additional.empty());
}

TEST_F(dnsHandler, RdCopiedAndRaConfigurable) {
  config_.recursion_available = false;
  const Message m = ask("valami.service.consul", rr_type::kA, {.rd = false, .edns = std::nullopt});
  EXPECT_FALSE(m.header.rd);
  EXPECT_FALSE(m.header.ra);
  EXPECT_EQ(m.answers.size(), 1u);
}

TEST_F(dnsHandler, MixedCaseQuestionIsEchoedLowerCase) {
  const Message m = ask("VaLaMi.SERVICE.Dc1.CONSUL", rr_type::kA);
  ASSERT_EQ(m.questions.size(), 1u);
  EXPECT_EQ(m.questions[0].name.to_text(), "valami.service.dc1.consul.");
  EXPECT_EQ(m.answers.at(0).name.to_text(), "valami.service.dc1.consul.");
}

TEST_F(dnsHandler, SrvUsesAddrTargetWhenServiceAddressDiffers) {
  const Message m = ask("valami.service.consul", rr_type::kSrv);
  ASSERT_EQ(m.answers.size(), 2u);
  std::set<std::uint16_t> ports;
  for (const auto& rr : m.answers) {
    const auto& srv = std::get<SrvRecord>(rr.data);
    EXPECT_EQ(srv.priority, 1);
    EXPECT_EQ(srv.weight, 1);
    EXPECT_EQ(srv.target.to_text(), "ac110003.addr.dc1.consul.");
    ports.insert(srv.port);
  }
  EXPECT_EQ(ports, (std::set<std::uint16_t>{80, 443}));
  ASSERT_EQ(m.additional.size(), 1u);  // shared target -> one A
  EXPECT_EQ(m.additional[0].name.to_text(), "ac110003.addr.dc1.consul.");
  EXPECT_EQ(std::get<ARecord>(m.additional[0].data).address, (std::array<std::uint8_t, 4>{172, 17, 0, 3}));
}

TEST_F(dnsHandler, SrvUsesNodeTargetWithoutServiceAddress) {
  const Message m = ask("db.service.consul", rr_type::kSrv);
  ASSERT_EQ(m.answers.size(), 1u);
  const auto& srv = std::get<SrvRecord>(m.answers[0].data);
  EXPECT_EQ(srv.port, 5432);
  EXPECT_EQ(srv.target.to_text(), "node2.node.dc1.consul.");
  ASSERT_EQ(m.additional.size(), 1u);
  EXPECT_EQ(m.additional[0].name.to_text(), "node2.node.dc1.consul.");
}

TEST_F(dnsHandler, WeightsFollowHealth) {
  const Message m = ask("warn.service.consul", rr_type::kSrv);
  ASSERT_EQ(m.answers.size(), 1u);
  EXPECT_EQ(std::get<SrvRecord>(m.answers[0].data).weight, 2);
  config_.only_passing = true;
  EXPECT_EQ(ask("warn.service.consul", rr_type::kSrv).header.rcode, rcode::kNxDomain);
}

TEST_F(dnsHandler, TagFilters) {
  auto ports = [&](std::string_view name) {
    std::set<std::uint16_t> out;
    for (const auto& rr : ask(name, rr_type::kSrv).answers) out.insert(std::get<SrvRecord>(rr.data).port);
    return out;
  };
  EXPECT_EQ(ports("http.valami.service.consul"), (std::set<std::uint16_t>{80}));
  EXPECT_EQ(ports("HTTPS.valami.service.dc1.consul"), (std::set<std::uint16_t>{443}));
  EXPECT_EQ(ports("_valami._http.service.consul"), (std::set<std::uint16_t>{80}));
  EXPECT_EQ(ports("_valami._tcp.service.consul"), (std::set<std::uint16_t>{80, 443}));
  EXPECT_EQ(ports("_valami._tcp.consul"), (std::set<std::uint16_t>{80, 443}));
  EXPECT_EQ(ports("_valami._tcp.dc1.consul"), (std::set<std::uint16_t>{80, 443}));
  EXPECT_EQ(ask("nope.valami.service.consul", rr_type::kSrv).header.rcode, rcode::kNxDomain);
}

TEST_F(dnsHandler, UnhealthyInstancesAreHidden) {
  config_.udp_answer_limit = 8;
  const Message m = ask("web.service.consul", rr_type::kA);
  EXPECT_EQ(a_records(m), (std::set<std::string>{"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"}));
}

TEST_F(dnsHandler, NonEdnsUdpCapsAtThreeAnswers) {
  EXPECT_EQ(ask("web.service.consul", rr_type::kA).answers.size(), 3u);
  EXPECT_EQ(ask("web.service.consul", rr_type::kA, {.edns = 4096}).answers.size(), 4u);
  EXPECT_EQ(ask("web.service.consul", rr_type::kA, {}, Transport::kTcp).answers.size(), 4u);
  config_.udp_answer_limit = 20;  // Consul never exceeds 8 without EDNS
  EXPECT_EQ(ask("many.service.consul", rr_type::kA).answers.size(), 8u);
}

TEST_F(dnsHandler, SrvTrimmingTrimsAdditional) {
  const Message m = ask("web.service.consul", rr_type::kSrv);
  ASSERT_EQ(m.answers.size(), 3u);
  std::set<std::string> targets, extras;
  for (const auto& rr : m.answers) targets.insert(std::get<SrvRecord>(rr.data).target.to_text());
  for (const auto& rr : m.additional) extras.insert(rr.name.to_text());
  EXPECT_EQ(targets, extras);
}

TEST_F(dnsHandler, EdnsSizeIsHonouredAndOptEchoed) {
  const Message m = ask("many.service.consul", rr_type::kA, {.edns = 600});
  EXPECT_LE(last_size_, 600u);
  EXPECT_GT(m.answers.size(), 8u);
  EXPECT_LT(m.answers.size(), 40u);
  ASSERT_EQ(m.additional.size(), 1u);
  EXPECT_EQ(m.additional[0].type, rr_type::kOpt);
  EXPECT_FALSE(m.header.tc);
  config_.enable_truncate = true;
  EXPECT_TRUE(ask("many.service.consul", rr_type::kA, {.edns = 600}).header.tc);
  EXPECT_EQ(ask("many.service.consul", rr_type::kA, {.edns = 4096}).answers.size(), 40u);
}

TEST_F(dnsHandler, EdnsBadVersion) {
  const Message m = ask("valami.service.consul", rr_type::kA, {.id = 1, .rd = true, .edns = 1232, .edns_version = 1});
  EXPECT_EQ(m.header.rcode, 0);
  ASSERT_EQ(m.additional.size(), 1u);
  EXPECT_EQ(m.additional[0].ttl >> 24, 1u);  // extended rcode 16 = BADVERS
}

TEST_F(dnsHandler, NxDomainCarriesSoa) {
  for (const char* name : {"nosuch.service.consul", "valami.service.dc9.consul", "nosuch.node.consul",
                           "whatever.consul", "zz.addr.dc1.consul", "valami.query.consul"}) {
    const Message m = ask(name, rr_type::kA);
    EXPECT_EQ(m.header.rcode, rcode::kNxDomain) << name;
    EXPECT_TRUE(m.header.aa) << name;
    EXPECT_TRUE(m.answers.empty()) << name;
    ASSERT_EQ(m.authority.size(), 1u) << name;
    EXPECT_EQ(m.authority[0].name.to_text(), "consul.");
    const auto& soa = std::get<SoaRecord>(m.authority[0].data);
    EXPECT_EQ(soa.mname.to_text(), "ns.consul.");
    EXPECT_EQ(soa.rname.to_text(), "hostmaster.consul.");
    EXPECT_EQ(soa.serial, 1700000000u);
    EXPECT_EQ(soa.refresh, 3600u);
    EXPECT_EQ(soa.retry, 600u);
    EXPECT_EQ(soa.expire, 86400u);
    EXPECT_EQ(soa.minimum, 0u);
  }
}

TEST_F(dnsHandler, NoDataCarriesSoa) {
  const Message m = ask("valami.service.consul", rr_type::kAaaa);
  EXPECT_EQ(m.header.rcode, rcode::kNoError);
  EXPECT_TRUE(m.answers.empty());
  ASSERT_EQ(m.authority.size(), 1u);
  EXPECT_EQ(m.authority[0].type, rr_type::kSoa);
  // A type Consul has no records for (MX); TXT would answer A records, as Consul does.
  EXPECT_EQ(ask("valami.service.consul", 15).authority.size(), 1u);
}

TEST_F(dnsHandler, Ipv6ServiceGivesAaaa) {
  const Message m = ask("v6.service.consul", rr_type::kAaaa);
  ASSERT_EQ(m.answers.size(), 1u);
  EXPECT_EQ(std::get<AaaaRecord>(m.answers[0].data).address[0], 0x20);
  const Message srv = ask("v6.service.consul", rr_type::kSrv);
  EXPECT_EQ(std::get<SrvRecord>(srv.answers.at(0).data).target.to_text(),
            "20010db8000000000000000000000001.addr.dc1.consul.");
  EXPECT_EQ(srv.additional.at(0).type, rr_type::kAaaa);
}

TEST_F(dnsHandler, OtherDatacenter) {
  EXPECT_EQ(a_records(ask("remote.service.dc2.consul", rr_type::kA)), (std::set<std::string>{"10.9.0.2"}));
  EXPECT_EQ(ask("remote.service.consul", rr_type::kA).header.rcode, rcode::kNxDomain);
}

TEST_F(dnsHandler, NodeAndAddrLookups) {
  EXPECT_EQ(a_records(ask("node1.node.consul", rr_type::kA)), (std::set<std::string>{"127.0.0.1"}));
  EXPECT_EQ(a_records(ask("NODE2.node.dc1.consul", rr_type::kA)), (std::set<std::string>{"192.168.0.2"}));
  std::set<std::string> txt;
  for (const auto& rr : ask("node1.node.consul", rr_type::kTxt).answers) txt.insert(std::get<TxtRecord>(rr.data).strings.at(0));
  EXPECT_EQ(txt, (std::set<std::string>{"rack=r1", "v=spf1"}));
  EXPECT_EQ(a_records(ask("ac110003.addr.dc1.consul", rr_type::kA)), (std::set<std::string>{"172.17.0.3"}));
  EXPECT_EQ(ask("ac110003.addr.dc1.consul", rr_type::kAaaa).authority.size(), 1u);
}

TEST_F(dnsHandler, ApexSoaAndNs) {
  const Message soa = ask("consul", rr_type::kSoa);
  ASSERT_EQ(soa.answers.size(), 1u);
  EXPECT_EQ(soa.answers[0].type, rr_type::kSoa);
  const Message ns = ask("consul", rr_type::kNs);
  ASSERT_EQ(ns.answers.size(), 1u);  // one node runs the "consul" service
  EXPECT_EQ(std::get<NsRecord>(ns.answers[0].data).host.to_text(), "node1.node.dc1.consul.");
}

TEST_F(dnsHandler, OutsideDomainIsRefused) {
  const Message m = ask("example.com", rr_type::kA);
  EXPECT_EQ(m.header.rcode, rcode::kRefused);
  EXPECT_TRUE(m.answers.empty());
  EXPECT_EQ(m.questions.size(), 1u);
}

TEST_F(dnsHandler, CustomDomain) {
  config_.domain = "Example.Test.";
  EXPECT_EQ(a_records(ask("valami.service.example.test", rr_type::kA)), (std::set<std::string>{"172.17.0.3"}));
  EXPECT_EQ(ask("valami.service.consul", rr_type::kA).header.rcode, rcode::kRefused);
  EXPECT_EQ(ask("nosuch.service.example.test", rr_type::kA).authority.at(0).name.to_text(), "example.test.");
}

TEST_F(dnsHandler, DirectoryFailureIsServFail) {
  directory_.throw_on("valami");
  EXPECT_EQ(ask("valami.service.consul", rr_type::kA).header.rcode, rcode::kServFail);
}

TEST_F(dnsHandler, ShuffleIsSeededAndVaries) {
  config_.udp_answer_limit = 8;
  auto order = [&](std::uint64_t seed) {
    config_.shuffle_seed = seed;
    QueryHandler handler(directory_, config_);
    std::vector<std::string> out;
    for (int i = 0; i < 3; ++i) {
      const Message m = parse_message(*handler.answer(query("web.service.consul", rr_type::kA), Transport::kUdp));
      for (const auto& rr : m.answers) out.push_back(std::to_string(std::get<ARecord>(rr.data).address[3]));
    }
    return out;
  };
  EXPECT_EQ(order(7), order(7));
  std::set<std::vector<std::string>> distinct;
  for (std::uint64_t seed = 0; seed < 10; ++seed) distinct.insert(order(seed));
  EXPECT_GT(distinct.size(), 1u);
}

// ---- malformed and odd queries ----

class dnsHandlerRaw : public dnsHandler {
 protected:
  std::optional<Bytes> raw(const Bytes& packet) {
    QueryHandler handler(directory_, config_);
    return handler.answer(packet, Transport::kUdp);
  }
};

TEST_F(dnsHandlerRaw, ShortPacketIsDropped) {
  EXPECT_FALSE(raw(Bytes{1, 2, 3}));
  EXPECT_FALSE(raw(Bytes{}));
}

TEST_F(dnsHandlerRaw, ResponsesAreDropped) {
  Bytes q = query("valami.service.consul", rr_type::kA);
  q[2] |= 0x80;
  EXPECT_FALSE(raw(q));
}

TEST_F(dnsHandlerRaw, MalformedBodyIsFormErr) {
  Bytes q = query("valami.service.consul", rr_type::kA);
  q.resize(q.size() - 3);  // cut into the question
  const auto out = raw(q);
  ASSERT_TRUE(out);
  const Message m = parse_message(*out);
  EXPECT_EQ(m.header.id, 0x4242);
  EXPECT_TRUE(m.header.qr);
  EXPECT_EQ(m.header.rcode, rcode::kFormErr);
  EXPECT_TRUE(m.questions.empty());

  Bytes loop = {0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1};
  EXPECT_EQ(parse_message(*raw(loop)).header.rcode, rcode::kFormErr);
}

TEST_F(dnsHandlerRaw, NoQuestionIsRefusedAndTwoAreFormErr) {
  Bytes none = {0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(parse_message(*raw(none)).header.rcode, rcode::kRefused);
  Header h;
  PacketWriter w(h);
  w.add_question({DnsName::from_text("a.service.consul"), rr_type::kA, kClassIn});
  w.add_question({DnsName::from_text("b.service.consul"), rr_type::kA, kClassIn});
  EXPECT_EQ(parse_message(*raw(w.finish())).header.rcode, rcode::kFormErr);
}

TEST_F(dnsHandlerRaw, OtherOpcodeIsNotImp) {
  Bytes q = query("valami.service.consul", rr_type::kA);
  q[2] = static_cast<std::uint8_t>((q[2] & 0x87) | (2 << 3));  // STATUS
  EXPECT_EQ(parse_message(*raw(q)).header.rcode, rcode::kNotImp);
}

}  // namespace
}  // namespace fakes::dns
