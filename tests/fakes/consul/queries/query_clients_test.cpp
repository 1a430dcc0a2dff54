// Prepared queries against the fake-consul binary with real clients: Debian's python3-consul2
// (create, list, get, update, explain, execute, delete, failover), and DNS: `<name>.query.consul`
// and `<name>.query.<dc>.consul` answered from the query's execution, asked with dig and with
// c-ares, failing over to dc2 once every dc1 instance is critical; and failover to a datacenter
// served by another fake-consul process (--wan), asked over HTTP.
#include "tests/fakes/consul/binary_fixture.hpp"
#include "tests/fakes/dns/cares_query.hpp"

#include <arpa/nameser.h>

namespace consul_binary {
namespace {

const std::string kPython = "/usr/bin/python3";  // where Debian's python3-consul2 is importable

std::string port_of(const std::string& host_port) { return host_port.substr(host_port.rfind(':') + 1); }
std::string host_of(const std::string& host_port) { return host_port.substr(0, host_port.rfind(':')); }

class QueryClientsTest : public ConsulBinaryTest {
 protected:
  void SetUp() override {
    ConsulBinaryTest::SetUp();
    if (HasFatalFailure()) return;
    ready_ = launch({"--agent", "east1=127.0.0.2:0,dc=dc2"});
    ASSERT_TRUE(ready_.contains("agents")) << ready_.dump();
    http_ = ready_["http"];
    east_ = ready_["agents"]["east1"];
    dns_port_ = port_of(ready_["dns"]);
  }
  fakes::http::ClientResponse at(const std::string& agent, verb method, const std::string& target,
                                 const std::string& body = {}) {
    return fakes::http::fetch(endpoint_of(agent), method, target, body);
  }
  /// `dig +noall +answer` lines (name ttl class type data), whitespace collapsed.
  std::vector<std::string> dig(const std::string& name, const std::string& type) {
    const std::string out = run_capture("/usr/bin/dig @127.0.0.1 -p " + dns_port_ + " " + name + " " + type +
                                        " +noall +answer +time=5 +tries=1");
    std::vector<std::string> lines;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
      std::istringstream words(line);
      std::string word, joined;
      while (words >> word) joined += (joined.empty() ? "" : " ") + word;
      if (!joined.empty()) lines.push_back(joined);
    }
    return lines;
  }
  std::string dig_status(const std::string& name) {
    const std::string out = run_capture("/usr/bin/dig @127.0.0.1 -p " + dns_port_ + " " + name + " +time=5 +tries=1");
    const auto at = out.find("status: ");
    return at == std::string::npos ? out : out.substr(at + 8, out.find(',', at) - at - 8);
  }

  json ready_;
  std::string http_, east_, dns_port_;
};

TEST_F(QueryClientsTest, PythonConsul2PreparedQueries) {
  auto result = test_support::run({kPython, std::string(CONSUL_CLIENT_SCRIPTS_DIR) + "/consul2_queries.py",
                                   host_of(http_), port_of(http_), host_of(east_), port_of(east_)},
                                  {.timeout = 90s, .separate_stderr = false});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("all checks passed"), std::string::npos) << result.output;
}

TEST_F(QueryClientsTest, DnsAnswersFailOverToDc2WhenEveryDc1InstanceIsCritical) {
  ASSERT_EQ(at(http_, verb::put, "/v1/agent/service/register",
               R"({"ID":"w1","Name":"web","Address":"10.0.0.1","Port":8080,"Check":{"TTL":"1h","Status":"passing"}})")
                .status,
            200u);
  ASSERT_EQ(at(east_, verb::put, "/v1/agent/service/register", R"({"ID":"w2","Name":"web","Address":"10.0.0.2","Port":9090})")
                .status,
            200u);
  auto created = at(http_, verb::post, "/v1/query",
                    R"({"Name":"webq","Service":{"Service":"web","Failover":{"NearestN":1}},"DNS":{"TTL":"7s"}})");
  ASSERT_EQ(created.status, 200u) << created.body;

  EXPECT_EQ(dig("webq.query.consul", "A"), std::vector<std::string>{"webq.query.consul. 7 IN A 10.0.0.1"});
  EXPECT_EQ(dig("webq.query.dc1.consul", "SRV"),
            std::vector<std::string>{"webq.query.dc1.consul. 7 IN SRV 1 1 8080 0a000001.addr.dc1.consul."});
  EXPECT_EQ(dig_status("nothing.query.consul"), "NXDOMAIN");
  EXPECT_EQ(dig_status("webq.query.dc2.consul"), "NXDOMAIN") << "dc2 has no query of that name";

  // Every dc1 instance critical: the query's execution, and so its DNS answer, is dc2's.
  ASSERT_EQ(at(http_, verb::put, "/v1/agent/check/fail/service:w1").status, 200u);
  EXPECT_EQ(dig("web.service.consul", "A"), std::vector<std::string>{}) << "the plain service lookup has nothing";
  EXPECT_EQ(dig("webq.query.consul", "A"), std::vector<std::string>{"webq.query.consul. 7 IN A 10.0.0.2"});
  EXPECT_EQ(dig("webq.query.consul", "SRV"),
            std::vector<std::string>{"webq.query.consul. 7 IN SRV 1 1 9090 0a000002.addr.dc2.consul."})
      << "the SRV target names the datacenter the answer came from";

  fakes::dns::testing::CaresLibrary library;
  const auto port = static_cast<std::uint16_t>(std::stoi(dns_port_));
  auto a = fakes::dns::testing::cares_query(port, "webq.query.consul", ns_t_a);
  ASSERT_EQ(a.status, ARES_SUCCESS);
  hostent* host = nullptr;
  ares_addrttl ttls[4];
  int nttls = 4;
  ASSERT_EQ(ares_parse_a_reply(a.answer.data(), static_cast<int>(a.answer.size()), &host, ttls, &nttls), ARES_SUCCESS);
  ASSERT_EQ(nttls, 1);
  char text[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &ttls[0].ipaddr, text, sizeof text);
  EXPECT_EQ(std::string(text), "10.0.0.2");
  EXPECT_EQ(ttls[0].ttl, 7);
  ares_free_hostent(host);

  auto srv = fakes::dns::testing::cares_query(port, "webq.query.consul", ns_t_srv);
  ASSERT_EQ(srv.status, ARES_SUCCESS);
  ares_srv_reply* records = nullptr;
  ASSERT_EQ(ares_parse_srv_reply(srv.answer.data(), static_cast<int>(srv.answer.size()), &records), ARES_SUCCESS);
  ASSERT_NE(records, nullptr);
  EXPECT_EQ(records->port, 9090);
  EXPECT_EQ(std::string(records->host), "0a000002.addr.dc2.consul");
  EXPECT_EQ(records->next, nullptr);
  ares_free_data(records);

  // dc1 healthy again: back home.
  ASSERT_EQ(at(http_, verb::put, "/v1/agent/check/pass/service:w1").status, 200u);
  EXPECT_EQ(dig("webq.query.consul", "A"), std::vector<std::string>{"webq.query.consul. 7 IN A 10.0.0.1"});
  auto gone = fakes::dns::testing::cares_query(port, "nothing.query.consul", ns_t_a);
  EXPECT_EQ(gone.status, ARES_ENOTFOUND);
}

class QueryWanTest : public ConsulBinaryTest {};

TEST_F(QueryWanTest, FailsOverToADatacenterServedByAnotherProcess) {
  // dc2 is its own fake-consul; dc1's knows it as a --wan peer and asks it over HTTP.
  const json dc2 = launch_into(peer_, "dc2", {"--datacenter", "dc2"});
  ASSERT_TRUE(dc2.contains("http")) << dc2.dump();
  const json dc1 = launch({"--wan", "dc2=" + dc2["http"].get<std::string>()});
  ASSERT_TRUE(dc1.contains("dns")) << dc1.dump();
  auto at = [](const json& ready, verb method, const std::string& target, const std::string& body = {}) {
    return fakes::http::fetch(endpoint_of(ready["http"]), method, target, body);
  };
  ASSERT_EQ(at(dc1, verb::put, "/v1/agent/service/register",
               R"({"ID":"w1","Name":"web","Address":"10.0.0.1","Port":80,"Check":{"TTL":"1h","Status":"critical"}})")
                .status,
            200u);
  ASSERT_EQ(at(dc2, verb::put, "/v1/agent/service/register", R"({"ID":"w2","Name":"web","Address":"10.0.0.2","Port":80})")
                .status,
            200u);
  ASSERT_EQ(at(dc1, verb::post, "/v1/query", R"({"Name":"webq","Service":{"Service":"web","Failover":{"Datacenters":["dc2"]}}})")
                .status,
            200u);

  const json executed = json::parse(at(dc1, verb::get, "/v1/query/webq/execute").body);
  EXPECT_EQ(executed["Datacenter"], "dc2");
  EXPECT_EQ(executed["Failovers"], 1);
  ASSERT_EQ(executed["Nodes"].size(), 1u);
  EXPECT_EQ(executed["Nodes"][0]["Service"]["ID"], "w2");
  const std::string dns = port_of(dc1["dns"]);
  EXPECT_EQ(run_capture("/usr/bin/dig @127.0.0.1 -p " + dns + " webq.query.consul +short +time=5 +tries=1"), "10.0.0.2\n");

  // ?dc=dc2 through dc1's agent reaches dc2's own table (relayed over the WAN).
  auto remote = at(dc1, verb::post, "/v1/query?dc=dc2", R"({"Name":"local-web","Service":{"Service":"web"}})");
  ASSERT_EQ(remote.status, 200u) << remote.body;
  const std::string remote_id = json::parse(remote.body)["ID"];
  EXPECT_EQ(json::parse(at(dc2, verb::get, "/v1/query").body).at(0)["ID"], remote_id);
  EXPECT_EQ(json::parse(at(dc1, verb::get, "/v1/query/local-web/execute?dc=dc2").body)["Datacenter"], "dc2");
  EXPECT_EQ(at(dc1, verb::get, "/v1/query/local-web/execute").status, 404u) << "dc1's table does not have it";

  // dc2 gone: the failover finds nothing, promptly, and says it tried.
  peer_.reset();
  const auto started = std::chrono::steady_clock::now();
  const json alone = json::parse(at(dc1, verb::get, "/v1/query/webq/execute").body);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_EQ(alone["Nodes"], json::array());
  EXPECT_EQ(alone["Failovers"], 1);
  EXPECT_EQ(run_capture("/usr/bin/dig @127.0.0.1 -p " + dns + " webq.query.consul +short +time=5 +tries=1"), "");
}

}  // namespace
}  // namespace consul_binary
