// Datacenters with the fake-consul binary: DNS `<name>.service.<dc>.consul` for the
// datacenters in one process, and --wan DC=IP:PORT relaying ?dc= requests to another
// fake-consul process, as a cluster split over processes (one per datacenter) needs.
#include "tests/fakes/consul/binary_fixture.hpp"

#include <future>

namespace {

using namespace consul_binary;

std::string port_of(const std::string& host_port) { return host_port.substr(host_port.rfind(':') + 1); }

std::string dig_short(const std::string& dns, const std::string& name) {
  return run_capture("/usr/bin/dig @127.0.0.1 -p " + port_of(dns) + " " + name + " +short +time=5 +tries=1");
}

unsigned register_web(const fakes::http::Endpoint& agent, const std::string& id, const std::string& address) {
  return fakes::http::fetch(agent, verb::put, "/v1/agent/service/register",
                            R"({"ID":")" + id + R"(","Name":"web","Port":80,"Address":")" + address + R"("})")
      .status;
}

TEST_F(ConsulBinaryTest, DnsAnswersForEachDatacenterOfTheProcess) {
  json ready = launch({"--agent", "east1=127.0.0.2:0,dc=dc2"});
  ASSERT_TRUE(ready.contains("agents")) << ready.dump();
  ASSERT_EQ(register_web(endpoint_of(ready["http"]), "w1", "10.0.0.1"), 200u);
  ASSERT_EQ(register_web(endpoint_of(ready["agents"]["east1"]), "w2", "10.0.0.2"), 200u);
  EXPECT_EQ(dig_short(ready["dns"], "web.service.dc2.consul"), "10.0.0.2\n");
  EXPECT_EQ(dig_short(ready["dns"], "web.service.dc1.consul"), "10.0.0.1\n");
  EXPECT_EQ(dig_short(ready["dns"], "web.service.consul"), "10.0.0.1\n") << "no label: the first agent's";
  EXPECT_EQ(dig_short(ready["dns"], "east1.node.dc2.consul"), "127.0.0.2\n");
  const std::string unknown = run_capture("/usr/bin/dig @127.0.0.1 -p " + port_of(ready["dns"]) +
                                          " web.service.dc9.consul +time=5 +tries=1");
  EXPECT_NE(unknown.find("status: NXDOMAIN"), std::string::npos) << unknown;
}

TEST_F(ConsulBinaryTest, WanRelaysDcRequestsToTheProcessServingThatDatacenter) {
  json east = launch_into(peer_, "east", {"--datacenter", "dc2", "--node", "east1"});
  ASSERT_TRUE(east.contains("http")) << east.dump();
  json west = launch({"--wan", "dc2=" + east["http"].get<std::string>()});
  ASSERT_TRUE(west.contains("http")) << west.dump();
  const auto east_http = endpoint_of(east["http"]);
  const auto west_http = endpoint_of(west["http"]);
  ASSERT_EQ(register_web(east_http, "w2", "10.0.0.2"), 200u);

  EXPECT_EQ(json::parse(fakes::http::fetch(west_http, verb::get, "/v1/catalog/datacenters").body), json({"dc1", "dc2"}));
  auto remote = fakes::http::fetch(west_http, verb::get, "/v1/catalog/service/web?dc=dc2");
  ASSERT_EQ(remote.status, 200u) << remote.body;
  auto entries = json::parse(remote.body);
  ASSERT_EQ(entries.size(), 1u) << remote.body;
  EXPECT_EQ(entries[0]["Node"], "east1");
  EXPECT_EQ(entries[0]["Datacenter"], "dc2");
  EXPECT_EQ(remote.header("x-consul-index"),
            fakes::http::fetch(east_http, verb::get, "/v1/catalog/service/web").header("x-consul-index"));
  EXPECT_TRUE(json::parse(fakes::http::fetch(west_http, verb::get, "/v1/catalog/service/web").body).empty());

  // Writes travel too.
  EXPECT_EQ(fakes::http::fetch(west_http, verb::put, "/v1/kv/color?dc=dc2", "blue").body, "true");
  EXPECT_EQ(fakes::http::fetch(east_http, verb::get, "/v1/kv/color?raw").body, "blue");
  EXPECT_EQ(fakes::http::fetch(west_http, verb::get, "/v1/kv/color").status, 404u);

  // A blocking query through the relay waits on the other process and wakes on its change.
  auto watcher = std::async(std::launch::async, [&] {
    return fakes::http::fetch(west_http, verb::get,
                              "/v1/health/service/web?dc=dc2&index=" + remote.header("x-consul-index") + "&wait=20s",
                              {}, {}, 30s);
  });
  EXPECT_EQ(watcher.wait_for(200ms), std::future_status::timeout);
  ASSERT_EQ(register_web(east_http, "w3", "10.0.0.3"), 200u);
  ASSERT_EQ(watcher.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(json::parse(watcher.get().body).size(), 2u);

  auto unknown = fakes::http::fetch(west_http, verb::get, "/v1/catalog/service/web?dc=dc3");
  EXPECT_EQ(unknown.status, 500u);
  EXPECT_EQ(unknown.body, "No path to datacenter");

  // The other process gone: the relay says which datacenter it could not reach.
  peer_.reset();
  auto down = fakes::http::fetch(west_http, verb::get, "/v1/catalog/service/web?dc=dc2");
  EXPECT_EQ(down.status, 500u);
  EXPECT_TRUE(down.body.starts_with("rpc error: datacenter dc2 at " + east["http"].get<std::string>() + ": "))
      << down.body;
}

TEST_F(ConsulBinaryTest, BadWanFlagsExitTwoNamingThem) {
  const fs::path err = dir_ / "wan.log";
  for (const auto& [args, message] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--wan", "dc2=10.1.2.3:8500"},
            "bad value for --wan: \"dc2=10.1.2.3:8500\" (the other fake-consul must listen on a loopback address or inside a --check-allow network)"},
           {{"--check-allow", "192.0.2.0/24", "--wan", "dc2=10.1.2.3:8500"},
            "bad value for --wan: \"dc2=10.1.2.3:8500\" (the other fake-consul must listen on a loopback address or inside a --check-allow network)"},
           {{"--wan", "dc2"}, "bad value for --wan: \"dc2\" (want DC=IP:PORT"},
           {{"--wan", "dc1=127.0.0.1:1"}, "bad value for --wan: datacenter \"dc1\" is served by this process"},
           {{"--agent", "e=127.0.0.2:0,dc=dc2", "--wan", "dc2=127.0.0.1:1"},
            "bad value for --wan: datacenter \"dc2\" is served by this process"}}) {
    std::vector<std::string> argv = {binary_, "--http", "127.0.0.1:0"};
    argv.insert(argv.end(), args.begin(), args.end());
    child_ = std::make_unique<ChildProcess>(argv, Output::fresh_log_file(err));
    EXPECT_EQ(child_->wait_exit(10s), 2) << args.back();
    EXPECT_TRUE(read_file(err).starts_with("fake-consul: " + message)) << read_file(err);
  }
}

}  // namespace
