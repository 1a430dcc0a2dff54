// End to end: the fake-consul executable as a launcher uses it (--ready-file, port 0), with
// registrations over HTTP and answers checked with the real dig.
#include "tests/fakes/consul/binary_fixture.hpp"

namespace {

using namespace consul_binary;
namespace fs = std::filesystem;
using boost::beast::http::verb;
using nlohmann::json;
using namespace std::chrono_literals;

TEST_F(ConsulBinaryTest, RegistersOverHttpAndDigSeesOneARecord) {
  json ready = launch();
  ASSERT_TRUE(ready.contains("http") && ready.contains("dns")) << ready.dump();
  auto http = endpoint_of(ready["http"]);
  const std::string dns_port = ready["dns"].get<std::string>().substr(ready["dns"].get<std::string>().rfind(':') + 1);
  EXPECT_EQ(http.host, "127.0.0.1");

  for (int port : {80, 443}) {
    const std::string body = R"({"ID":"host:web5:)" + std::to_string(port) + R"(","Name":"valami","Tags":[],"Port":)" +
                             std::to_string(port) + R"(,"Address":"172.17.0.3","Meta":{}})";
    auto res = fakes::http::fetch(http, verb::put, "/v1/agent/service/register", body);
    ASSERT_EQ(res.status, 200u) << res.body;
    EXPECT_EQ(res.body, "");
  }
  auto catalog = json::parse(fakes::http::fetch(http, verb::get, "/v1/catalog/service/valami").body);
  EXPECT_EQ(catalog.size(), 2u);
  EXPECT_EQ(fakes::http::fetch(http, verb::get, "/v1/status/leader").body, "\"127.0.0.1:8300\"");

  const std::string out = run_capture("/usr/bin/dig @127.0.0.1 -p " + dns_port +
                                      " valami.service.dc1.consul +time=5 +tries=1 2>&1");
  EXPECT_NE(out.find("status: NOERROR"), std::string::npos) << out;
  EXPECT_NE(out.find("flags: qr aa rd ra;"), std::string::npos) << out;
  std::regex a_line(R"(\nvalami\.service\.dc1\.consul\.\s+0\s+IN\s+A\s+172\.17\.0\.3\n)");
  auto begin = std::sregex_iterator(out.begin(), out.end(), a_line);
  EXPECT_EQ(std::distance(begin, std::sregex_iterator()), 1) << out;
  std::regex any_a(R"(\n[^;\n][^\n]*\sIN\s+A\s)");  // answer lines, not the ";question"
  EXPECT_EQ(std::distance(std::sregex_iterator(out.begin(), out.end(), any_a), std::sregex_iterator()), 1) << out;

  // Reverse lookups: the service address names the service, the node address names the node.
  const std::string ptr = run_capture("/usr/bin/dig @127.0.0.1 -p " + dns_port + " -x 172.17.0.3 +time=5 +tries=1 2>&1");
  EXPECT_NE(ptr.find("status: NOERROR"), std::string::npos) << ptr;
  EXPECT_TRUE(std::regex_search(ptr, std::regex(R"(3\.0\.17\.172\.in-addr\.arpa\.\s+0\s+IN\s+PTR\s+valami\.service\.dc1\.consul\.)")))
      << ptr;
  const std::string node_ptr =
      run_capture("/usr/bin/dig @127.0.0.1 -p " + dns_port + " -x 127.0.0.1 +time=5 +tries=1 2>&1");
  EXPECT_TRUE(std::regex_search(node_ptr, std::regex(R"(IN\s+PTR\s+node1\.node\.dc1\.consul\.)"))) << node_ptr;

  // The domain's NS records name the agent (standing in for the Consul servers), with its address.
  const std::string ns = run_capture("/usr/bin/dig @127.0.0.1 -p " + dns_port + " consul. NS +time=5 +tries=1 2>&1");
  EXPECT_TRUE(std::regex_search(ns, std::regex(R"(consul\.\s+0\s+IN\s+NS\s+node1\.node\.dc1\.consul\.)"))) << ns;
  EXPECT_TRUE(std::regex_search(ns, std::regex(R"(node1\.node\.dc1\.consul\.\s+0\s+IN\s+A\s+127\.0\.0\.1)"))) << ns;

  // Deregistering both makes the name vanish from DNS.
  for (const char* id : {"host:web5:80", "host:web5:443"})
    EXPECT_EQ(fakes::http::fetch(http, verb::put, std::string("/v1/agent/service/deregister/") + id).status, 200u);
  const std::string gone = run_capture("/usr/bin/dig @127.0.0.1 -p " + dns_port +
                                       " valami.service.dc1.consul +time=5 +tries=1 2>&1");
  EXPECT_NE(gone.find("status: NXDOMAIN"), std::string::npos) << gone;

  child_->signal(SIGTERM);
  EXPECT_EQ(child_->wait_exit(10s), 0);
}

// --agent: a simulated cluster in one process. Each agent has its own node and listener and
// owns the services registered through it; the catalog, health and DNS are shared.
TEST_F(ConsulBinaryTest, SeveralAgentsShareOneCatalog) {
  json ready = launch({"--agent", "node2=127.0.0.2:0", "--agent=node3=127.0.0.3:0"});
  ASSERT_TRUE(ready.contains("agents")) << ready.dump();
  ASSERT_EQ(ready["agents"].size(), 2u) << ready.dump();
  auto node1 = endpoint_of(ready["http"]);
  auto node2 = endpoint_of(ready["agents"]["node2"]);
  auto node3 = endpoint_of(ready["agents"]["node3"]);
  EXPECT_EQ(node2.host, "127.0.0.2");
  EXPECT_EQ(node3.host, "127.0.0.3");
  const std::string dns_port = ready["dns"].get<std::string>().substr(ready["dns"].get<std::string>().rfind(':') + 1);

  auto reg = [](const fakes::http::Endpoint& agent, const std::string& id, const std::string& address) {
    return fakes::http::fetch(agent, verb::put, "/v1/agent/service/register",
                              R"({"ID":")" + id + R"(","Name":"web","Port":80,"Address":")" + address + R"("})")
        .status;
  };
  ASSERT_EQ(reg(node2, "h2:web:80", "10.0.0.2"), 200u);
  ASSERT_EQ(reg(node3, "h3:web:80", "10.0.0.3"), 200u);

  // Any agent answers for the whole catalog, each instance on the node of the agent that registered it.
  auto catalog = json::parse(fakes::http::fetch(node1, verb::get, "/v1/catalog/service/web").body);
  ASSERT_EQ(catalog.size(), 2u) << catalog.dump();
  std::map<std::string, std::string> node_of;
  for (const auto& e : catalog) node_of[e["ServiceID"]] = e["Node"].get<std::string>() + "@" + e["Address"].get<std::string>();
  EXPECT_EQ(node_of["h2:web:80"], "node2@127.0.0.2");
  EXPECT_EQ(node_of["h3:web:80"], "node3@127.0.0.3");
  auto nodes = json::parse(fakes::http::fetch(node3, verb::get, "/v1/catalog/nodes").body);
  EXPECT_EQ(nodes.size(), 3u) << nodes.dump();

  // The agent endpoints are each agent's own.
  auto services2 = json::parse(fakes::http::fetch(node2, verb::get, "/v1/agent/services").body);
  EXPECT_TRUE(services2.contains("h2:web:80"));
  EXPECT_FALSE(services2.contains("h3:web:80"));
  EXPECT_EQ(json::parse(fakes::http::fetch(node1, verb::get, "/v1/agent/services").body), json::object());
  EXPECT_EQ(json::parse(fakes::http::fetch(node2, verb::get, "/v1/agent/self").body)["Config"]["NodeName"], "node2");
  EXPECT_EQ(fakes::http::fetch(node3, verb::put, "/v1/agent/service/deregister/h2:web:80").status, 404u)
      << "node3 does not own node2's service";

  const std::string dig = run_capture("/usr/bin/dig @127.0.0.1 -p " + dns_port + " web.service.dc1.consul +short +time=5 +tries=1");
  EXPECT_NE(dig.find("10.0.0.2"), std::string::npos) << dig;
  EXPECT_NE(dig.find("10.0.0.3"), std::string::npos) << dig;

  EXPECT_EQ(fakes::http::fetch(node2, verb::put, "/v1/agent/service/deregister/h2:web:80").status, 200u);
  EXPECT_EQ(json::parse(fakes::http::fetch(node1, verb::get, "/v1/catalog/service/web").body).size(), 1u);
}

TEST_F(ConsulBinaryTest, SigintExitsZeroAndFlagsAreHonoured) {
  json ready = launch({"--node", "agent-7", "--datacenter", "eu1", "--node-address", "127.0.0.9"});
  ASSERT_TRUE(ready.contains("http"));
  auto http = endpoint_of(ready["http"]);
  auto self = json::parse(fakes::http::fetch(http, verb::get, "/v1/agent/self").body);
  EXPECT_EQ(self["Config"]["NodeName"], "agent-7");
  EXPECT_EQ(self["Config"]["Datacenter"], "eu1");
  EXPECT_EQ(fakes::http::fetch(http, verb::get, "/v1/status/leader").body, "\"127.0.0.9:8300\"");
  child_->signal(SIGINT);
  EXPECT_EQ(child_->wait_exit(10s), 0);
}

TEST_F(ConsulBinaryTest, BadFlagExitsTwoNamingIt) {
  const fs::path err = dir_ / "bad.log";
  child_ = std::make_unique<ChildProcess>(std::vector<std::string>{binary_, "--http", "127.0.0.1:0", "--bogus", "1"}, Output::fresh_log_file(err));
  EXPECT_EQ(child_->wait_exit(10s), 2);
  const std::string text = read_file(err);
  EXPECT_TRUE(text.starts_with("fake-consul: unknown flag --bogus\n")) << text;
  EXPECT_NE(text.find("usage: fake-consul"), std::string::npos);

  child_ = std::make_unique<ChildProcess>(std::vector<std::string>{binary_, "--http", "localhost:x"}, Output::fresh_log_file(err));
  EXPECT_EQ(child_->wait_exit(10s), 2);
  EXPECT_TRUE(read_file(err).starts_with("fake-consul: bad value for --http")) << read_file(err);

  for (const auto& [value, message] : std::vector<std::pair<std::string, std::string>>{
           {"node2", "bad value for --agent: \"node2\" (want NAME=IP:PORT[,netns=PATH][,dc=DC], e.g. node2=127.0.0.2:8500)"},
           {"node2=127.0.0.2:0,bogus=1", "bad value for --agent: \"node2=127.0.0.2:0,bogus=1\": unknown option \"bogus=1\""},
           {"node2=localhost:0", "bad value for --agent: \"node2=localhost:0\" (want NAME=IP:PORT"},
           {"=127.0.0.2:0", "bad value for --agent: \"=127.0.0.2:0\""}}) {
    child_ = std::make_unique<ChildProcess>(std::vector<std::string>{binary_, "--http", "127.0.0.1:0", "--agent", value},
                                     Output::fresh_log_file(err));
    EXPECT_EQ(child_->wait_exit(10s), 2) << value;
    EXPECT_TRUE(read_file(err).starts_with("fake-consul: " + message)) << read_file(err);
  }
  for (const char* flag : {"--reap-interval", "--deregister-critical-min"}) {
    child_ = std::make_unique<ChildProcess>(std::vector<std::string>{binary_, "--http", "127.0.0.1:0", flag, "-1s"},
                                     Output::fresh_log_file(err));
    EXPECT_EQ(child_->wait_exit(10s), 2) << flag;
    EXPECT_TRUE(read_file(err).starts_with(std::string("fake-consul: bad value for ") + flag +
                                           ": \"-1s\" (want a non-negative duration such as 30s)"))
        << read_file(err);
  }
}

TEST_F(ConsulBinaryTest, TlsFlagsAreCheckedBeforeAnythingListens) {
  const fs::path err = dir_ / "tls.log";
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {binary_, "--http", "127.0.0.1:0"});
    child_ = std::make_unique<ChildProcess>(args, Output::fresh_log_file(err));
    return child_->wait_exit(10s);
  };
  EXPECT_EQ(run({"--https", "127.0.0.1:0"}), 2);
  EXPECT_TRUE(read_file(err).starts_with("fake-consul: --https needs --tls-cert and --tls-key")) << read_file(err);
  EXPECT_EQ(run({"--https", "127.0.0.1:0", "--tls-cert", "c.pem", "--tls-key", "k.pem", "--verify-incoming"}), 2);
  EXPECT_TRUE(read_file(err).starts_with("fake-consul: --verify-incoming needs --tls-ca")) << read_file(err);
  // Files that do not exist: the listener cannot start, exit 1 naming the file.
  EXPECT_EQ(run({"--https", "127.0.0.1:0", "--tls-cert", "/nonexistent/c.pem", "--tls-key", "/nonexistent/k.pem"}), 1);
  EXPECT_NE(read_file(err).find("cannot load TLS certificate /nonexistent/c.pem"), std::string::npos) << read_file(err);
}

}  // namespace
