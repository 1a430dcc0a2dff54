// The container -> services translation seen through what the backends send: -tags/SERVICE_TAGS
// escaping (upstream util_test.go), every Consul check example of docs/user/backends.md, and
// IPv6 addresses from the container to the registered values.
#include "tests/registrator/mapping/service_builder_cases.hpp"

using namespace regtest::mapping;

// ---- tags (upstream util_test.go TestEscapedComma, plus order) ----

TEST(RegistratorTags, EscapedCommaCases) {
  using V = std::vector<std::string>;
  struct Case {
    std::string in;
    V want;
  } cases[] = {
      {"", {}},
      {"foobar", {"foobar"}},
      {"foo,bar", {"foo", "bar"}},
      {"foo\\,bar", {"foo,bar"}},
      {"foo,bar\\,baz", {"foo", "bar,baz"}},
      {"\\,foobar\\,", {",foobar,"}},
      {",,,,foo,,,bar,,,", {"foo", "bar"}},
      {",,,,", {}},
      {",,\\,,", {","}},
  };
  for (const auto& c : cases) EXPECT_EQ(registrator::split_escaped_commas(c.in), c.want) << c.in;
  EXPECT_EQ(registrator::combine_tags({"a,b", "", "c\\,d", "udp"}), (V{"a", "b", "c,d", "udp"}));
}

// ---- docs/user/backends.md: every Consul check example, container metadata to the check JSON ----

TEST(RegistratorBackendsDocs, EveryConsulCheckExample) {
  struct Row {
    std::string section;
    std::vector<std::string> env;  // the lines of the example, as `docker run -e` would pass them
    std::string check;             // what registrator sends as the registration's "Check"
  };
  const std::vector<Row> rows = {
      {"HTTP check",
       {"SERVICE_80_CHECK_HTTP=/health/endpoint/path", "SERVICE_80_CHECK_INTERVAL=15s", "SERVICE_80_CHECK_TIMEOUT=1s",
        "SERVICE_80_CHECK_HTTP_METHOD=HEAD"},
       R"({"Interval":"15s","Timeout":"1s","HTTP":"http://172.17.0.3:80/health/endpoint/path","Method":"HEAD"})"},
      {"HTTP check (for all ports)", {"SERVICE_CHECK_HTTP=/health/endpoint/path"},
       R"({"Interval":"10s","HTTP":"http://172.17.0.3:80/health/endpoint/path"})"},
      {"HTTPS check",
       {"SERVICE_80_CHECK_HTTPS=/health/endpoint/path", "SERVICE_80_CHECK_INTERVAL=15s", "SERVICE_80_CHECK_TIMEOUT=1s",
        "SERVICE_80_CHECK_HTTPS_METHOD=HEAD"},
       R"({"Interval":"15s","Timeout":"1s","HTTP":"https://172.17.0.3:80/health/endpoint/path","Method":"HEAD"})"},
      {"TCP check", {"SERVICE_80_CHECK_TCP=true", "SERVICE_80_CHECK_INTERVAL=15s", "SERVICE_80_CHECK_TIMEOUT=3s"},
       R"({"Interval":"15s","Timeout":"3s","TCP":"172.17.0.3:80"})"},
      {"Script check", {"SERVICE_CHECK_SCRIPT=curl --silent --fail example.com"},
       R"({"ScriptArgs":["curl --silent --fail example.com"],"Interval":"10s"})"},
      {"Script check with placeholders", {"SERVICE_CHECK_SCRIPT=nc $SERVICE_IP $SERVICE_PORT | grep OK"},
       R"({"ScriptArgs":["nc 172.17.0.3 80 | grep OK"],"Interval":"10s"})"},
      {"TTL check", {"SERVICE_CHECK_TTL=30s"}, R"({"TTL":"30s"})"},
      {"gRPC check",
       {"SERVICE_CHECK_GRPC=true", "SERVICE_CHECK_INTERVAL=5s", "SERVICE_CHECK_TIMEOUT=3s",
        "SERVICE_CHECK_GRPC_USE_TLS=true", "SERVICE_CHECK_TLS_SKIP_VERIFY=true"},
       R"({"Interval":"5s","Timeout":"3s","TLSSkipVerify":true,"GRPC":"172.17.0.3:80","GRPCUseTLS":true})"},
      {"Initial health check status", {"SERVICE_CHECK_HTTP=/health", "SERVICE_CHECK_INITIAL_STATUS=passing"},
       R"({"Interval":"10s","HTTP":"http://172.17.0.3:80/health","Status":"passing"})"},
      {"Deregister after", {"SERVICE_CHECK_TTL=30s", "SERVICE_CHECK_DEREGISTER_AFTER=10m"},
       R"({"TTL":"30s","DeregisterCriticalServiceAfter":"10m"})"},
  };
  Config cfg;
  cfg.internal = true;  // the service's address and port are the container's: 172.17.0.3:80
  for (const auto& row : rows) {
    SCOPED_TRACE(row.section);
    ContainerSpec s;
    s.env = row.env;
    const auto services = build(s, cfg);
    ASSERT_EQ(services.size(), 1u);
    const auto check = registrator::build_consul_check(services[0]);
    ASSERT_TRUE(check.has_value());
    EXPECT_EQ(check->dump(), row.check);
    // ... and that is the "Check" of the registration PUT to the agent.
    EXPECT_EQ(build_consul_registration(services[0])["Check"], *check);
  }
}


// IPv6 (issue item "IPv6 addresses"): the IPv4 rule first, then the same network order over
// GlobalIPv6Address; values are host:port with brackets, SkyDNS's host the bare address.
TEST(RegistratorServiceBuilderIpv6, Ipv6OnlyContainerIsRegisteredWithItsGlobalAddressUnderInternal) {
  Config cfg;
  cfg.internal = true;
  ContainerSpec s;
  s.legacy_ip = false;
  s.networks = {{"bridge", {{"IPAddress", ""}, {"GlobalIPv6Address", "fd00:dead:beef::2"}}}};
  expect_services(build(s, cfg), {{"host1:web5:80", "test", "fd00:dead:beef::2", 80}});
  // API < 1.52: the top-level field.
  s.legacy_ip = true;
  s.ip = "";
  auto j = s.to_json();
  j["NetworkSettings"]["GlobalIPv6Address"] = "fd00::7";
  BuildContext ctx{cfg, "host1", {}, {}};
  EXPECT_EQ(registrator::build_services(j, ctx).services.at(0).ip, "fd00::7");
}

TEST(RegistratorServiceBuilderIpv6, Ipv4AnywhereWinsThenTheSameNetworkOrderForIpv6) {
  Config cfg;
  cfg.internal = true;
  ContainerSpec s;
  s.legacy_ip = false;
  s.network_mode = "zeta";
  // Dual stack on one network: IPv4, as before.
  s.networks = {{"zeta", {{"IPAddress", "10.26.0.2"}, {"GlobalIPv6Address", "fd00:26::2"}}}};
  EXPECT_EQ(build(s, cfg).at(0).ip, "10.26.0.2");
  // An IPv4 address on any network wins over the NetworkMode network's IPv6 one.
  s.networks = {{"alpha", {{"IPAddress", "10.1.0.2"}}}, {"zeta", {{"GlobalIPv6Address", "fd00:26::2"}}}};
  EXPECT_EQ(build(s, cfg).at(0).ip, "10.1.0.2");
  // No IPv4 at all: NetworkMode's network, then bridge, then the first by name.
  s.networks = {{"alpha", {{"GlobalIPv6Address", "fd00:1::2"}}},
                {"bridge", {{"GlobalIPv6Address", "fd00:17::2"}}},
                {"zeta", {{"GlobalIPv6Address", "fd00:26::2"}}}};
  EXPECT_EQ(build(s, cfg).at(0).ip, "fd00:26::2");
  s.network_mode = "default";
  EXPECT_EQ(build(s, cfg).at(0).ip, "fd00:17::2");
  s.networks = {{"gamma", {{"GlobalIPv6Address", "fd00:3::2"}}}, {"beta", {{"GlobalIPv6Address", ""}}},
                {"alpha", {{"GlobalIPv6Address", "fd00:1::2"}}}};
  EXPECT_EQ(build(s, cfg).at(0).ip, "fd00:1::2");
}

TEST(RegistratorServiceBuilderIpv6, UserDefinedIpv6OnlyNetworkGivesHostIp) {
  Config cfg;
  ContainerSpec s;
  s.legacy_ip = false;
  s.network_mode = "v6net";
  s.networks = {{"v6net", {{"IPAddress", ""}, {"GlobalIPv6Address", "2001:db8:1::4"}}}};
  s.ports = {{"80/tcp", bind("8080")}};
  expect_services(build(s, cfg), {{"host1:web5:80", "test", "2001:db8:1::4", 8080}});
}

TEST(RegistratorServiceBuilderIpv6, ForcedIpv6HostIpAndIpv6OnlyBindingResolveTheHost) {
  Config cfg;
  cfg.host_ip = "2001:db8::7";
  ContainerSpec s;
  s.ports = {{"80/tcp", json::array({{{"HostIp", "::"}, {"HostPort", "8080"}}})}};
  expect_services(build(s, cfg), {{"host1:web5:80", "test", "2001:db8::7", 8080}});
  // Published on IPv6 only ("::"): as 0.0.0.0, the host name is resolved.
  Config plain;
  BuildContext ctx{plain, "host1", [](const std::string&) { return std::optional<std::string>("2001:db8::9"); }, {}};
  EXPECT_EQ(registrator::build_services(s.to_json(), ctx).services.at(0).ip, "2001:db8::9");
}

TEST(RegistratorServiceBuilderIpv6, BackendValuesAndChecksBracketIpv6) {
  Service svc;
  svc.id = "host1:web5:80";
  svc.name = "web";
  svc.ip = "fd00::5";
  svc.port = 8080;
  EXPECT_EQ(registrator::etcd_layout("/services").value(svc), "[fd00::5]:8080");  // etcd
  EXPECT_EQ(registrator::join_host_port(svc.ip, svc.port), "[fd00::5]:8080");    // consulkv
  EXPECT_EQ(registrator::skydns2_layout("skydns.local").value(svc), R"({"host":"fd00::5","port":8080})");
  auto with = [&](std::map<std::string, std::string> attrs) {
    Service t = svc;
    t.attrs = std::move(attrs);
    return registrator::build_consul_check(t)->dump();
  };
  EXPECT_EQ(with({{"check_http", "/health"}}), R"({"Interval":"10s","HTTP":"http://[fd00::5]:8080/health"})");
  EXPECT_EQ(with({{"check_https", "/health"}}), R"({"Interval":"10s","HTTP":"https://[fd00::5]:8080/health"})");
  EXPECT_EQ(with({{"check_tcp", "true"}}), R"({"Interval":"10s","TCP":"[fd00::5]:8080"})");
  EXPECT_EQ(with({{"check_grpc", "true"}}), R"({"Interval":"10s","GRPC":"[fd00::5]:8080"})");
  // A script gets the bare address, as it would write it into its own command.
  EXPECT_EQ(with({{"check_script", "nc $SERVICE_IP $SERVICE_PORT"}}),
            R"({"ScriptArgs":["nc fd00::5 8080"],"Interval":"10s"})");
  // Consul's service Address is the bare address.
  EXPECT_EQ(build_consul_registration(svc)["Address"], "fd00::5");
}
