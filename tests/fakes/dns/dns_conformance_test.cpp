// Conformance: real resolvers (dig, kdig, c-ares) against an in-process DnsServer on
// 127.0.0.1. Assertions are on what those tools print or return, as users see it.
#include "tests/fakes/dns/cares_query.hpp"
#include "tests/fakes/dns/dig_output.hpp"
#include "tests/fakes/dns/running_server.hpp"
#include "tests/fakes/dns/stub_directory.hpp"
#include "tests/support/process/child.hpp"

#include "fakes/dns/wire/wire.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <regex>
#include <set>
#include <sstream>

namespace fakes::dns {
namespace {

using ProcessResult = test_support::RunResult;
using testing::RunningServer;

using reg::testing::record_lines;

std::size_t count_line(const std::vector<std::string>& lines, const std::string& wanted) {
  return static_cast<std::size_t>(std::count(lines.begin(), lines.end(), wanted));
}

std::size_t count_type(const std::vector<std::string>& lines, const std::string& type) {
  return static_cast<std::size_t>(std::count_if(lines.begin(), lines.end(), [&](const std::string& l) {
    return l.find(" IN " + type + " ") != std::string::npos;
  }));
}

class dnsConformance : public ::testing::Test {
 protected:
  ProcessResult dig(std::vector<std::string> args) {
    std::vector<std::string> argv = {"/usr/bin/dig", "@127.0.0.1", "-p", std::to_string(server_.port()),
                                     "+time=3", "+tries=1"};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessResult r = test_support::run(argv, {.separate_stderr = true});
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 0) << r.output << r.error_output;
    return r;
  }
  ProcessResult kdig(std::vector<std::string> args) {
    std::vector<std::string> argv = {"/usr/bin/kdig", "@127.0.0.1", "-p", std::to_string(server_.port()),
                                     "+time=3", "+retry=0"};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessResult r = test_support::run(argv, {.separate_stderr = true});
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 0) << r.output << r.error_output;
    return r;
  }

  testing::StubDirectory directory_ = testing::make_catalog();
  RunningServer server_{directory_, DnsConfig{}};
};

// The users' seed transcript: `dig @localhost valami.service.dc1.consul`.
TEST_F(dnsConformance, DigServiceAMatchesSeedTranscript) {
  const ProcessResult r = dig({"valami.service.dc1.consul"});
  EXPECT_NE(r.output.find("status: NOERROR"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("flags: qr aa rd ra;"), std::string::npos) << r.output;
  const auto lines = record_lines(r.output);
  EXPECT_EQ(count_line(lines, "valami.service.dc1.consul. 0 IN A 172.17.0.3"), 1u) << r.output;
  EXPECT_EQ(count_type(lines, "A"), 1u) << r.output;
  EXPECT_EQ(r.output.find("WARNING"), std::string::npos) << r.output;
}

TEST_F(dnsConformance, DigServiceWithoutDatacenter) {
  const ProcessResult r = dig({"valami.service.consul"});
  EXPECT_NE(r.output.find("status: NOERROR"), std::string::npos) << r.output;
  EXPECT_EQ(count_line(record_lines(r.output), "valami.service.consul. 0 IN A 172.17.0.3"), 1u) << r.output;
}

TEST_F(dnsConformance, DigSrvWithAdditional) {
  const ProcessResult r = dig({"valami.service.consul", "SRV"});
  const auto lines = record_lines(r.output);
  EXPECT_EQ(count_line(lines, "valami.service.consul. 0 IN SRV 1 1 80 ac110003.addr.dc1.consul."), 1u) << r.output;
  EXPECT_EQ(count_line(lines, "valami.service.consul. 0 IN SRV 1 1 443 ac110003.addr.dc1.consul."), 1u) << r.output;
  EXPECT_EQ(count_line(lines, "ac110003.addr.dc1.consul. 0 IN A 172.17.0.3"), 1u) << r.output;
  EXPECT_NE(r.output.find("ADDITIONAL: 2"), std::string::npos) << r.output;  // A + OPT
}

TEST_F(dnsConformance, DigRfc2782Srv) {
  const ProcessResult r = dig({"_valami._tcp.service.consul", "SRV"});
  EXPECT_EQ(count_type(record_lines(r.output), "SRV"), 2u) << r.output;
}

TEST_F(dnsConformance, DigNxDomainHasSoa) {
  const ProcessResult r = dig({"nosuch.service.consul"});
  EXPECT_NE(r.output.find("status: NXDOMAIN"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("flags: qr aa rd ra;"), std::string::npos) << r.output;
  const std::regex soa(R"(^consul\. 0 IN SOA ns\.consul\. hostmaster\.consul\. \d+ 3600 600 86400 0$)");
  const auto lines = record_lines(r.output);
  EXPECT_EQ(std::count_if(lines.begin(), lines.end(), [&](const std::string& l) { return std::regex_match(l, soa); }), 1)
      << r.output;
}

TEST_F(dnsConformance, DigOutsideDomainRefused) {
  const ProcessResult r = dig({"example.com"});
  EXPECT_NE(r.output.find("status: REFUSED"), std::string::npos) << r.output;
}

TEST_F(dnsConformance, DigOverTcp) {
  const ProcessResult r = dig({"+tcp", "valami.service.dc1.consul"});
  EXPECT_NE(r.output.find("status: NOERROR"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("(TCP)"), std::string::npos) << r.output;
  EXPECT_EQ(count_line(record_lines(r.output), "valami.service.dc1.consul. 0 IN A 172.17.0.3"), 1u) << r.output;
}

TEST_F(dnsConformance, DigMixedCaseIsLowerCasedInAnswer) {
  const ProcessResult r = dig({"VaLaMi.SeRvIcE.DC1.consul"});
  EXPECT_NE(r.output.find("status: NOERROR"), std::string::npos) << r.output;
  EXPECT_EQ(count_line(record_lines(r.output), "valami.service.dc1.consul. 0 IN A 172.17.0.3"), 1u) << r.output;
}

TEST_F(dnsConformance, DigHidesCriticalAndCapsNonEdnsAtThree) {
  const ProcessResult plain = dig({"+noedns", "web.service.consul"});
  const auto plain_lines = record_lines(plain.output);
  EXPECT_EQ(count_type(plain_lines, "A"), 3u) << plain.output;
  EXPECT_EQ(plain.output.find("flags: qr aa rd ra tc"), std::string::npos) << plain.output;  // TC off by default

  const ProcessResult edns = dig({"web.service.consul"});
  const auto edns_lines = record_lines(edns.output);
  EXPECT_EQ(count_type(edns_lines, "A"), 4u) << edns.output;
  for (const auto* lines : {&plain_lines, &edns_lines}) {
    EXPECT_EQ(count_line(*lines, "web.service.consul. 0 IN A 10.0.0.5"), 0u);  // critical
    EXPECT_EQ(count_line(*lines, "web.service.consul. 0 IN A 10.0.0.6"), 0u);  // maintenance
  }
}

TEST_F(dnsConformance, DigNodeLookup) {
  const ProcessResult r = dig({"node1.node.consul"});
  EXPECT_EQ(count_line(record_lines(r.output), "node1.node.consul. 0 IN A 127.0.0.1"), 1u) << r.output;
}

TEST_F(dnsConformance, KdigServiceAAndTcp) {
  for (const char* transport : {"+notcp", "+tcp"}) {
    const ProcessResult r = kdig({transport, "valami.service.dc1.consul"});
    EXPECT_NE(r.output.find("status: NOERROR"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("Flags: qr aa rd ra;"), std::string::npos) << r.output;
    EXPECT_EQ(count_line(record_lines(r.output), "valami.service.dc1.consul. 0 IN A 172.17.0.3"), 1u) << r.output;
  }
}

TEST_F(dnsConformance, KdigNxDomain) {
  const ProcessResult r = kdig({"nosuch.service.dc1.consul"});
  EXPECT_NE(r.output.find("status: NXDOMAIN"), std::string::npos) << r.output;
  EXPECT_EQ(count_type(record_lines(r.output), "SOA"), 1u) << r.output;
}

// ---- c-ares ----

class dnsCares : public dnsConformance {
 protected:
  static std::set<std::string> a_addresses(const testing::CaresReply& reply) {
    hostent* host = nullptr;
    ares_addrttl ttls[16];
    int nttls = 16;
    std::set<std::string> out;
    if (ares_parse_a_reply(reply.answer.data(), static_cast<int>(reply.answer.size()), &host, ttls, &nttls) !=
        ARES_SUCCESS) {
      return out;
    }
    for (int i = 0; i < nttls; ++i) {
      char text[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, &ttls[i].ipaddr, text, sizeof text);
      out.insert(text);
      EXPECT_EQ(ttls[i].ttl, 0);
    }
    ares_free_hostent(host);
    return out;
  }
  testing::CaresLibrary library_;
};

TEST_F(dnsCares, ServiceA) {
  for (bool tcp : {false, true}) {
    const auto reply = testing::cares_query(server_.port(), "valami.service.dc1.consul", 1, tcp);
    ASSERT_EQ(reply.status, ARES_SUCCESS) << ares_strerror(reply.status);
    EXPECT_EQ(a_addresses(reply), (std::set<std::string>{"172.17.0.3"}));
    // One record, not two: the raw answer count.
    const Message m = parse_message(reply.answer);
    EXPECT_EQ(m.answers.size(), 1u);
  }
}

TEST_F(dnsCares, ServiceSrv) {
  const auto reply = testing::cares_query(server_.port(), "valami.service.consul", 33);
  ASSERT_EQ(reply.status, ARES_SUCCESS) << ares_strerror(reply.status);
  ares_srv_reply* srv = nullptr;
  ASSERT_EQ(ares_parse_srv_reply(reply.answer.data(), static_cast<int>(reply.answer.size()), &srv), ARES_SUCCESS);
  std::set<std::uint16_t> ports;
  for (const ares_srv_reply* s = srv; s; s = s->next) {
    EXPECT_EQ(s->priority, 1);
    EXPECT_EQ(s->weight, 1);
    EXPECT_STREQ(s->host, "ac110003.addr.dc1.consul");
    ports.insert(s->port);
  }
  ares_free_data(srv);
  EXPECT_EQ(ports, (std::set<std::uint16_t>{80, 443}));
}

TEST_F(dnsCares, NxDomainAndCap) {
  const auto nx = testing::cares_query(server_.port(), "nosuch.service.consul", 1);
  EXPECT_EQ(nx.status, ARES_ENOTFOUND) << ares_strerror(nx.status);
  const auto web = testing::cares_query(server_.port(), "web.service.consul", 1);
  ASSERT_EQ(web.status, ARES_SUCCESS);
  const auto addresses = a_addresses(web);
  EXPECT_EQ(addresses.size(), 3u);  // c-ares sends no EDNS: the 512-byte path
  EXPECT_FALSE(addresses.contains("10.0.0.5"));
}

// With enable_truncate the capped UDP answer carries TC, and c-ares asks again over TCP on its
// own: the application gets every instance, which the 512-byte UDP path alone cannot carry.
TEST_F(dnsCares, TruncatedUdpAnswerIsRetriedOverTcp) {
  DnsConfig config;
  config.enable_truncate = true;
  RunningServer truncating{directory_, config};
  const auto udp_first = testing::cares_query(truncating.port(), "many.service.consul", 1, /*tcp=*/false);
  ASSERT_EQ(udp_first.status, ARES_SUCCESS) << ares_strerror(udp_first.status);
  const Message m = parse_message(udp_first.answer);
  EXPECT_FALSE(m.header.tc) << "the answer c-ares returns is the TCP one";
  EXPECT_EQ(m.answers.size(), 40u);
  // Without enable_truncate the same question stays on UDP with the capped answer.
  const auto capped = testing::cares_query(server_.port(), "many.service.consul", 1, /*tcp=*/false);
  ASSERT_EQ(capped.status, ARES_SUCCESS);
  EXPECT_EQ(parse_message(capped.answer).answers.size(), 3u);
}

// ---- robustness: bad clients never stall good ones ----

namespace asio = boost::asio;

void set_receive_timeout(int fd, int seconds) {
  timeval tv{seconds, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

std::vector<std::uint8_t> a_query(std::uint16_t id, const std::string& name) {
  Header h;
  h.id = id;
  h.rd = true;
  PacketWriter w(h);
  w.add_question({DnsName::from_text(name), rr_type::kA, kClassIn});
  return w.finish();
}

TEST_F(dnsConformance, GarbageAndStalledClientsDoNotStallOthers) {
  asio::io_context io;
  // A TCP client that sends half a length prefix and then nothing.
  asio::ip::tcp::socket stalled(io);
  stalled.connect({asio::ip::make_address("127.0.0.1"), server_.port()});
  const std::uint8_t half = 0;
  asio::write(stalled, asio::buffer(&half, 1));
  // UDP garbage: short, pointer loop, random-ish bytes.
  asio::ip::udp::socket udp(io, asio::ip::udp::endpoint(asio::ip::udp::v4(), 0));
  const asio::ip::udp::endpoint to(asio::ip::make_address("127.0.0.1"), server_.port());
  const std::vector<std::vector<std::uint8_t>> junk = {
      {1, 2, 3}, {0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1}, std::vector<std::uint8_t>(700, 0xff)};
  for (const auto& j : junk) udp.send_to(asio::buffer(j), to);

  const ProcessResult r = dig({"valami.service.dc1.consul"});
  EXPECT_NE(r.output.find("status: NOERROR"), std::string::npos) << r.output;
}

TEST_F(dnsConformance, TcpPipelinesSeveralQueries) {
  asio::io_context io;
  asio::ip::tcp::socket s(io);
  s.connect({asio::ip::make_address("127.0.0.1"), server_.port()});
  set_receive_timeout(s.native_handle(), 10);
  std::vector<std::uint8_t> out;
  for (std::uint16_t id : {11, 12, 13}) {
    const auto q = a_query(id, "valami.service.consul");
    out.push_back(static_cast<std::uint8_t>(q.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(q.size()));
    out.insert(out.end(), q.begin(), q.end());
  }
  asio::write(s, asio::buffer(out));
  for (std::uint16_t id : {11, 12, 13}) {
    std::uint8_t len[2];
    asio::read(s, asio::buffer(len));
    std::vector<std::uint8_t> body(static_cast<std::size_t>(len[0] << 8 | len[1]));
    asio::read(s, asio::buffer(body));
    const Message m = parse_message(body);
    EXPECT_EQ(m.header.id, id);
    EXPECT_EQ(m.answers.size(), 1u);
  }
}

TEST(dnsServerLimits, OversizeAndIdleTcpAreDisconnected) {
  testing::StubDirectory directory = testing::make_catalog();
  DnsServerLimits limits;
  limits.tcp_idle_timeout = std::chrono::milliseconds(200);
  limits.max_tcp_query_size = 512;
  RunningServer server(directory, DnsConfig{}, limits);
  asio::io_context io;
  auto expect_closed = [&](asio::ip::tcp::socket& s) {
    set_receive_timeout(s.native_handle(), 10);  // deadline, not a sleep: EOF should come at once
    std::uint8_t byte;
    boost::system::error_code ec;
    s.read_some(asio::buffer(&byte, 1), ec);
    EXPECT_EQ(ec, asio::error::eof) << ec.message();
  };
  asio::ip::tcp::socket oversize(io);
  oversize.connect({asio::ip::make_address("127.0.0.1"), server.port()});
  const std::uint8_t big[2] = {0x10, 0x00};  // 4096 > 512
  asio::write(oversize, asio::buffer(big));
  expect_closed(oversize);

  asio::ip::tcp::socket idle(io);
  idle.connect({asio::ip::make_address("127.0.0.1"), server.port()});
  expect_closed(idle);
}

}  // namespace
}  // namespace fakes::dns
