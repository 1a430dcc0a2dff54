// The newer query forms through real clients: dig and kdig over UDP and TCP, with and without
// EDNS, and c-ares where it has a parser (PTR, CNAME). Assertions are on the printed records.
#include "tests/fakes/dns/cares_query.hpp"
#include "tests/fakes/dns/dig_output.hpp"
#include "tests/fakes/dns/running_server.hpp"
#include "tests/fakes/dns/stub_directory.hpp"
#include "tests/support/process/child.hpp"

#include "fakes/dns/wire/wire.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>

namespace fakes::dns {
namespace {

using reg::testing::record_lines;


bool has(const std::vector<std::string>& lines, const std::string& wanted) {
  return std::find(lines.begin(), lines.end(), wanted) != lines.end();
}

DnsConfig forms_config() {
  DnsConfig c;
  c.alt_domain = "alt.test";
  c.service_ttls = {{"valami", 30}, {"*", 5}};
  c.node_ttl = 60;
  c.soa_serial = 1700000000;
  return c;
}

struct Client {
  std::string tool;  // "dig" or "kdig"
  bool tcp;
  bool edns;
  std::string label() const {
    return tool + (tcp ? " tcp" : " udp") + (edns ? " edns" : " noedns");
  }
};

class dnsFormsConformance : public ::testing::Test {
 protected:
  std::string ask(const Client& c, const std::string& name, const std::string& type) {
    std::vector<std::string> argv = {"/usr/bin/" + c.tool, "@127.0.0.1", "-p", std::to_string(server_.port()), name,
                                     type};
    if (c.tool == "dig") {
      argv.insert(argv.end(), {"+time=3", "+tries=1", c.tcp ? "+tcp" : "+notcp", c.edns ? "+edns=0" : "+noedns"});
    } else {
      argv.insert(argv.end(), {"+time=3", "+retry=0", c.tcp ? "+tcp" : "+notcp", c.edns ? "+edns" : "+noedns"});
    }
    const auto r = test_support::run(argv, {.separate_stderr = true});
    EXPECT_EQ(r.exit_code, 0) << c.label() << r.output << r.error_output;
    return r.output;
  }
  static std::vector<Client> matrix() {
    std::vector<Client> out;
    for (const char* tool : {"dig", "kdig"})
      for (bool tcp : {false, true})
        for (bool edns : {false, true}) out.push_back({tool, tcp, edns});
    return out;
  }

  testing::StubDirectory directory_ = testing::make_catalog();
  testing::RunningServer server_{directory_, forms_config()};
};

TEST_F(dnsFormsConformance, PtrForNodeAndService) {
  for (const Client& c : matrix()) {
    const auto node = record_lines(ask(c, "1.0.0.127.in-addr.arpa", "PTR"));
    EXPECT_TRUE(has(node, "1.0.0.127.in-addr.arpa. 0 IN PTR node1.node.dc1.consul.")) << c.label();
    const auto svc = record_lines(ask(c, "3.0.17.172.in-addr.arpa", "PTR"));
    EXPECT_TRUE(has(svc, "3.0.17.172.in-addr.arpa. 0 IN PTR valami.service.dc1.consul.")) << c.label();
  }
  const std::string unknown = ask({"dig", false, true}, "9.9.9.9.in-addr.arpa", "PTR");
  EXPECT_NE(unknown.find("status: SERVFAIL"), std::string::npos) << unknown;
}

TEST_F(dnsFormsConformance, AltDomainWithServiceTtl) {
  for (const Client& c : matrix()) {
    EXPECT_TRUE(has(record_lines(ask(c, "valami.service.alt.test", "A")), "valami.service.alt.test. 30 IN A 172.17.0.3"))
        << c.label();
    EXPECT_TRUE(has(record_lines(ask(c, "db.service.alt.test", "SRV")), "db.service.alt.test. 5 IN SRV 1 1 5432 node2.node.dc1.alt.test."))
        << c.label();
  }
}

TEST_F(dnsFormsConformance, CnameForHostnameAddress) {
  for (const Client& c : matrix()) {
    const auto lines = record_lines(ask(c, "ext.service.consul", "A"));
    const bool one = has(lines, "ext.service.consul. 5 IN CNAME db.example.com.") ||
                     has(lines, "ext.service.consul. 5 IN CNAME db2.example.com.");
    EXPECT_TRUE(one) << c.label();
    EXPECT_EQ(lines.size(), 1u) << c.label();
  }
}

TEST_F(dnsFormsConformance, SoaNsAnyAndOtherTypes) {
  const std::regex soa(R"(^consul\. 0 IN SOA ns\.consul\. hostmaster\.consul\. 1700000000 3600 600 86400 0$)");
  for (const Client& c : matrix()) {
    const auto s = record_lines(ask(c, "consul", "SOA"));
    EXPECT_TRUE(std::any_of(s.begin(), s.end(), [&](const std::string& l) { return std::regex_match(l, soa); }))
        << c.label();
    EXPECT_TRUE(has(s, "consul. 60 IN NS node1.node.dc1.consul.")) << c.label();
    EXPECT_TRUE(has(record_lines(ask(c, "consul", "NS")), "consul. 60 IN NS node1.node.dc1.consul.")) << c.label();
    EXPECT_TRUE(has(record_lines(ask(c, "valami.service.consul", "ANY")), "valami.service.consul. 30 IN A 172.17.0.3"))
        << c.label();
    const std::string mx = ask(c, "valami.service.consul", "MX");
    EXPECT_NE(mx.find("NOERROR"), std::string::npos) << c.label() << mx;
    EXPECT_NE(mx.find("SOA"), std::string::npos) << c.label() << mx;
  }
}

// ---- c-ares ----

class dnsFormsCares : public dnsFormsConformance {
 protected:
  testing::CaresLibrary library_;
};

TEST_F(dnsFormsCares, PtrAndCname) {
  for (bool tcp : {false, true}) {
    const auto ptr = testing::cares_query(server_.port(), "1.0.0.127.in-addr.arpa", 12, tcp);
    ASSERT_EQ(ptr.status, ARES_SUCCESS) << ares_strerror(ptr.status);
    hostent* host = nullptr;
    const unsigned char addr[4] = {127, 0, 0, 1};
    ASSERT_EQ(ares_parse_ptr_reply(ptr.answer.data(), static_cast<int>(ptr.answer.size()), addr, 4, AF_INET, &host),
              ARES_SUCCESS);
    EXPECT_STREQ(host->h_name, "node1.node.dc1.consul");
    ares_free_hostent(host);

    const auto cname = testing::cares_query(server_.port(), "ext.service.consul", 1, tcp);
    ASSERT_EQ(cname.status, ARES_SUCCESS) << ares_strerror(cname.status);
    const Message m = parse_message(cname.answer);
    ASSERT_EQ(m.answers.size(), 1u);
    EXPECT_EQ(m.answers[0].type, rr_type::kCname);
  }
}

}  // namespace
}  // namespace fakes::dns
