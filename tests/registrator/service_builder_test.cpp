// Table tests for the pure container -> services translation (upstream bridge.go/util.go,
// docs/user/services.md examples, and the Consul checks of docs/user/backends.md).
#include <gtest/gtest.h>

#include "registrator/backends/consul.hpp"
#include "registrator/backends/consulkv.hpp"
#include "registrator/backends/etcd_layouts.hpp"
#include "registrator/backends/join_host_port.hpp"
#include "registrator/mapping/service_builder.hpp"

using nlohmann::json;
using registrator::BuildContext;
using registrator::Config;
using registrator::Service;
using registrator::build_consul_registration;

namespace {

const std::string kId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

// A `docker inspect` document (API < 1.52 shape by default: NetworkSettings.IPAddress present).
struct ContainerSpec {
  std::string name = "web5";
  std::string image = "test";
  std::vector<std::string> exposed = {"80/tcp"};
  std::map<std::string, json> ports;  // "80/tcp" -> [{"HostIp","HostPort"}] or null
  std::vector<std::string> env;
  std::map<std::string, std::string> labels;
  std::string ip = "172.17.0.3";
  std::string network_mode = "default";
  bool legacy_ip = true;  // NetworkSettings.IPAddress present
  json networks;          // overrides the default {"bridge": {...}}

  json to_json() const {
    json j;
    j["Id"] = kId;
    j["Name"] = "/" + name;
    j["Config"]["Image"] = image;
    j["Config"]["Hostname"] = "0123456789ab";
    j["Config"]["Env"] = env;
    j["Config"]["Labels"] = json::object();
    for (const auto& [k, v] : labels) j["Config"]["Labels"][k] = v;
    j["Config"]["ExposedPorts"] = json::object();
    for (const auto& p : exposed) j["Config"]["ExposedPorts"][p] = json::object();
    j["HostConfig"]["NetworkMode"] = network_mode;
    j["NetworkSettings"]["Ports"] = json::object();
    for (const auto& p : exposed) j["NetworkSettings"]["Ports"][p] = nullptr;
    for (const auto& [k, v] : ports) j["NetworkSettings"]["Ports"][k] = v;
    if (legacy_ip) j["NetworkSettings"]["IPAddress"] = ip;
    j["NetworkSettings"]["Networks"] =
        networks.is_null() ? json{{"bridge", {{"IPAddress", ip}, {"Gateway", "172.17.0.1"}}}} : networks;
    return j;
  }
};

json bind(const std::string& host_port, const std::string& host_ip = "0.0.0.0") {
  return json::array({{{"HostIp", host_ip}, {"HostPort", host_port}}, {{"HostIp", "::"}, {"HostPort", host_port}}});
}

std::vector<Service> build(const ContainerSpec& spec, const Config& cfg, const std::string& host = "host1") {
  BuildContext ctx{cfg, host, {}, {}};
  return registrator::build_services(spec.to_json(), ctx).services;
}

struct Expect {
  std::string id, name, ip;
  int port;
  std::vector<std::string> tags = {};
  std::map<std::string, std::string> attrs = {};
};

void expect_services(const std::vector<Service>& got, const std::vector<Expect>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE("service " + std::to_string(i));
    EXPECT_EQ(got[i].id, want[i].id);
    EXPECT_EQ(got[i].name, want[i].name);
    EXPECT_EQ(got[i].ip, want[i].ip);
    EXPECT_EQ(got[i].port, want[i].port);
    EXPECT_EQ(got[i].tags, want[i].tags);
    EXPECT_EQ(got[i].attrs, want[i].attrs);
  }
}

ContainerSpec seed() {
  ContainerSpec s;
  s.name = "web5";
  s.image = "test";
  s.exposed = {"80/tcp", "443/tcp"};
  s.env = {"SERVICE_NAME=valami", "PATH=/usr/bin"};
  s.labels = {{"type", "frontend"}};
  s.ports = {{"80/tcp", bind("7679")}};
  s.ip = "172.17.0.3";
  return s;
}

}  // namespace

// ---- the seed story ----

TEST(RegistratorServiceBuilderSeed, InternalRegistersBothExposedPortsWithPortSuffix) {
  Config cfg;
  cfg.internal = true;
  expect_services(build(seed(), cfg), {{"host1:web5:80", "valami-80", "172.17.0.3", 80},
                                       {"host1:web5:443", "valami-443", "172.17.0.3", 443}});
}

TEST(RegistratorServiceBuilderSeed, InternalWithV6NamingKeepsServiceName) {
  Config cfg;
  cfg.internal = true;
  cfg.v6_naming = true;
  expect_services(build(seed(), cfg), {{"host1:web5:80", "valami", "172.17.0.3", 80},
                                       {"host1:web5:443", "valami", "172.17.0.3", 443}});
}

TEST(RegistratorServiceBuilderSeed, PublishedWithForcedIp) {
  Config cfg;
  cfg.host_ip = "10.186.150.172";
  ContainerSpec s = seed();
  s.ports = {{"80/tcp", bind("7680")}};
  expect_services(build(s, cfg), {{"host1:web5:80", "valami", "10.186.150.172", 7680}});
}

TEST(RegistratorServiceBuilderSeed, Api152ShapeWithoutTopLevelIPAddress) {
  Config cfg;
  cfg.internal = true;
  ContainerSpec s = seed();
  s.legacy_ip = false;
  expect_services(build(s, cfg), {{"host1:web5:80", "valami-80", "172.17.0.3", 80},
                                  {"host1:web5:443", "valami-443", "172.17.0.3", 443}});
}

// ---- docs/user/services.md examples ----

TEST(RegistratorServiceBuilderDocs, SingleServiceWithDefaults) {
  Config cfg;
  cfg.host_ip = "192.168.1.102";
  ContainerSpec s;
  s.name = "redis.0";
  s.image = "progrium/redis";
  s.exposed = {"6379/tcp"};
  s.ports = {{"6379/tcp", bind("10000")}};
  expect_services(build(s, cfg, "hostname"), {{"hostname:redis.0:6379", "redis", "192.168.1.102", 10000}});
}

TEST(RegistratorServiceBuilderDocs, SingleServiceWithMetadata) {
  Config cfg;
  cfg.host_ip = "192.168.1.102";
  ContainerSpec s;
  s.name = "redis.0";
  s.image = "progrium/redis";
  s.exposed = {"6379/tcp"};
  s.ports = {{"6379/tcp", bind("10000")}};
  s.env = {"SERVICE_NAME=db", "SERVICE_TAGS=master,backups", "SERVICE_REGION=us2"};
  expect_services(build(s, cfg, "hostname"), {{"hostname:redis.0:6379", "db", "192.168.1.102", 10000,
                                               {"master", "backups"}, {{"region", "us2"}}}});
}

TEST(RegistratorServiceBuilderDocs, EscapedCommaInTags) {
  Config cfg;
  cfg.host_ip = "192.168.1.102";
  ContainerSpec s;
  s.name = "redis.0";
  s.image = "progrium/redis";
  s.exposed = {"6379/tcp"};
  s.ports = {{"6379/tcp", bind("10000")}};
  s.env = {"SERVICE_NAME=db", "SERVICE_TAGS=/(;\\,:-_)/", "SERVICE_REGION=us2"};
  auto got = build(s, cfg);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].tags, std::vector<std::string>{"/(;,:-_)/"});
}

TEST(RegistratorServiceBuilderDocs, MultipleServicesWithDefaults) {
  Config cfg;
  cfg.host_ip = "192.168.1.102";
  ContainerSpec s;
  s.name = "nginx.0";
  s.image = "progrium/nginx";
  s.exposed = {"80/tcp", "443/tcp"};
  s.ports = {{"443/tcp", bind("4443")}, {"80/tcp", bind("8000")}};
  expect_services(build(s, cfg, "hostname"), {{"hostname:nginx.0:80", "nginx-80", "192.168.1.102", 8000},
                                              {"hostname:nginx.0:443", "nginx-443", "192.168.1.102", 4443}});
}

TEST(RegistratorServiceBuilderDocs, MultipleServicesWithPerPortMetadata) {
  Config cfg;
  cfg.host_ip = "192.168.1.102";
  ContainerSpec s;
  s.name = "nginx.0";
  s.image = "progrium/nginx";
  s.exposed = {"80/tcp", "443/tcp"};
  s.ports = {{"443/tcp", bind("4443")}, {"80/tcp", bind("8000")}};
  s.env = {"SERVICE_443_NAME=https", "SERVICE_443_ID=https.12345", "SERVICE_443_SNI=enabled", "SERVICE_80_NAME=http",
           "SERVICE_TAGS=www"};
  expect_services(build(s, cfg, "hostname"),
                  {{"hostname:nginx.0:80", "http", "192.168.1.102", 8000, {"www"}},
                   {"https.12345", "https", "192.168.1.102", 4443, {"www"}, {{"sni", "enabled"}}}});
}

TEST(RegistratorServiceBuilderDocs, LabelsDefineMetadata) {
  Config cfg;
  cfg.host_ip = "192.168.1.102";
  ContainerSpec s;
  s.name = "redis.0";
  s.image = "dockerfile/redis";
  s.exposed = {"6379/tcp"};
  s.ports = {{"6379/tcp", bind("10000")}};
  s.labels = {{"SERVICE_NAME", "db"}, {"SERVICE_TAGS", "master,backups"}, {"SERVICE_REGION", "us2"}};
  expect_services(build(s, cfg, "hostname"), {{"hostname:redis.0:6379", "db", "192.168.1.102", 10000,
                                               {"master", "backups"}, {{"region", "us2"}}}});
}

// ---- naming, ports, metadata rules ----

TEST(RegistratorServiceBuilder, DefaultNameFromImage) {
  EXPECT_EQ(registrator::default_service_name("progrium/foobar:latest"), "foobar");
  EXPECT_EQ(registrator::default_service_name("redis"), "redis");
  EXPECT_EQ(registrator::default_service_name("localhost:5000/team/api:1.2"), "api");
  EXPECT_EQ(registrator::default_service_name("gliderlabs/foobar"), "foobar");
  EXPECT_EQ(registrator::default_service_name("repo/img@sha256:abc"), "img@sha256");  // upstream #530
  Config cfg;
  cfg.host_ip = "10.0.0.1";
  ContainerSpec s;
  s.image = "progrium/foobar:latest";
  s.ports = {{"80/tcp", bind("8080")}};
  expect_services(build(s, cfg), {{"host1:web5:80", "foobar", "10.0.0.1", 8080}});
}

TEST(RegistratorServiceBuilder, ServiceNameOnMultiPortGetsSuffixUnlessPerPort) {
  Config cfg;
  cfg.host_ip = "10.0.0.1";
  ContainerSpec s;
  s.image = "app";
  s.exposed = {"80/tcp", "8080/tcp"};
  s.ports = {{"80/tcp", bind("1080")}, {"8080/tcp", bind("18080")}};
  s.env = {"SERVICE_NAME=api", "SERVICE_8080_NAME=admin"};
  expect_services(build(s, cfg), {{"host1:web5:80", "api-80", "10.0.0.1", 1080},
                                  {"host1:web5:8080", "admin", "10.0.0.1", 18080}});
}

TEST(RegistratorServiceBuilder, PerPortKeyWinsRegardlessOfOrder) {
  Config cfg;
  cfg.host_ip = "10.0.0.1";
  ContainerSpec s;
  s.ports = {{"80/tcp", bind("8080")}};
  s.env = {"SERVICE_80_NAME=first", "SERVICE_NAME=generic", "SERVICE_81_NAME=other"};
  auto got = build(s, cfg);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].name, "first");
}

TEST(RegistratorServiceBuilder, UdpPortGetsTagAndIdSuffix) {
  Config cfg;
  cfg.host_ip = "10.0.0.1";
  cfg.force_tags = "forced";
  ContainerSpec s;
  s.image = "dns";
  s.exposed = {"53/udp"};
  s.ports = {{"53/udp", bind("5353")}};
  s.env = {"SERVICE_TAGS=a,b"};
  expect_services(build(s, cfg), {{"host1:web5:53:udp", "dns", "10.0.0.1", 5353, {"a", "b", "forced", "udp"}}});
}

TEST(RegistratorServiceBuilder, SameNumberTcpAndUdpAreTwoServices) {
  Config cfg;
  cfg.host_ip = "10.0.0.1";
  ContainerSpec s;
  s.image = "dns";
  s.exposed = {"53/tcp", "53/udp"};
  s.ports = {{"53/tcp", bind("53")}, {"53/udp", bind("53")}};
  expect_services(build(s, cfg), {{"host1:web5:53", "dns-53", "10.0.0.1", 53},
                                  {"host1:web5:53:udp", "dns-53", "10.0.0.1", 53, {"udp"}}});
}

TEST(RegistratorServiceBuilder, IgnoreWholeContainerAndSinglePort) {
  Config cfg;
  cfg.host_ip = "10.0.0.1";
  ContainerSpec s;
  s.exposed = {"80/tcp", "443/tcp"};
  s.ports = {{"80/tcp", bind("80")}, {"443/tcp", bind("443")}};
  s.labels = {{"SERVICE_IGNORE", "true"}};
  EXPECT_TRUE(build(s, cfg).empty());
  s.labels = {{"SERVICE_443_IGNORE", "true"}};
  auto got = build(s, cfg);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].name, "test-80");  // still a group of two ports for naming, as upstream
}

TEST(RegistratorServiceBuilder, ExplicitRequiresServiceName) {
  Config cfg;
  cfg.host_ip = "10.0.0.1";
  cfg.explicit_only = true;
  ContainerSpec s;
  s.ports = {{"80/tcp", bind("8080")}};
  EXPECT_TRUE(build(s, cfg).empty());
  s.env = {"SERVICE_NAME=named"};
  expect_services(build(s, cfg), {{"host1:web5:80", "named", "10.0.0.1", 8080}});
}

TEST(RegistratorServiceBuilder, AttrsAreLowerCasedRemainingMetadata) {
  Config cfg;
  cfg.host_ip = "10.0.0.1";
  ContainerSpec s;
  s.ports = {{"80/tcp", bind("8080")}};
  s.env = {"SERVICE_CHECK_HTTP=/health", "SERVICE_80_CHECK_INTERVAL=5s", "SERVICE_Region=EU", "OTHER=x",
           "SERVICE_ID=custom-id", "SERVICE_NOVALUE"};
  auto got = build(s, cfg);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].id, "custom-id");
  EXPECT_EQ(got[0].attrs, (std::map<std::string, std::string>{
                              {"check_http", "/health"}, {"check_interval", "5s"}, {"region", "EU"}}));
}

TEST(RegistratorServiceBuilder, UnpublishedPortsIgnoredWithoutInternal) {
  Config cfg;
  ContainerSpec s;
  s.exposed = {"80/tcp"};
  BuildContext ctx{cfg, "host1", {}, {}};
  auto r = registrator::build_services(s.to_json(), ctx);
  EXPECT_TRUE(r.services.empty());
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_EQ(r.notes[0], "ignored: 0123456789ab port 80 not published on host");
}

TEST(RegistratorServiceBuilder, NoPortsAtAll) {
  Config cfg;
  ContainerSpec s;
  s.exposed = {};
  BuildContext ctx{cfg, "host1", {}, {}};
  auto r = registrator::build_services(s.to_json(), ctx);
  EXPECT_TRUE(r.services.empty());
  EXPECT_EQ(r.notes, std::vector<std::string>{"ignored: 0123456789ab no published ports"});
}

TEST(RegistratorServiceBuilder, HostNetworkExposedPortsCountAsPublished) {
  Config cfg;
  ContainerSpec s;
  s.network_mode = "host";
  s.exposed = {"8080/tcp"};
  json j = s.to_json();
  j["NetworkSettings"]["Ports"] = json::object();  // --net=host: no runtime mapping
  BuildContext ctx{cfg, "host1", [](const std::string& h) -> std::optional<std::string> {
                     return h == "host1" ? std::optional<std::string>("192.0.2.7") : std::nullopt;
                   },
                   {}};
  auto got = registrator::build_services(j, ctx).services;
  expect_services(got, {{"host1:web5:8080", "test", "192.0.2.7", 8080}});
}

TEST(RegistratorServiceBuilder, ZeroHostIpStaysWhenHostnameDoesNotResolve) {
  Config cfg;
  ContainerSpec s;
  s.ports = {{"80/tcp", bind("8080")}};
  expect_services(build(s, cfg), {{"host1:web5:80", "test", "0.0.0.0", 8080}});
}

TEST(RegistratorServiceBuilder, PublishedHostIpIsUsed) {
  Config cfg;
  ContainerSpec s;
  s.ports = {{"80/tcp", bind("8080", "127.0.0.1")}};
  expect_services(build(s, cfg), {{"host1:web5:80", "test", "127.0.0.1", 8080}});
}

TEST(RegistratorServiceBuilder, UseIpFromLabelStripsPrefix) {
  Config cfg;
  cfg.use_ip_from_label = "com.example.ip";
  ContainerSpec s;
  s.ports = {{"80/tcp", bind("8080")}};
  s.labels = {{"com.example.ip", "10.9.8.7/24"}};
  expect_services(build(s, cfg), {{"host1:web5:80", "test", "10.9.8.7", 8080}});
}

TEST(RegistratorServiceBuilder, MultipleNetworksPickDeterministically) {
  Config cfg;
  cfg.internal = true;
  ContainerSpec s;
  s.legacy_ip = false;
  s.network_mode = "zeta";
  s.networks = {{"alpha", {{"IPAddress", "10.1.0.2"}}}, {"bridge", {{"IPAddress", "172.17.0.9"}}},
                {"zeta", {{"IPAddress", "10.26.0.2"}}}};
  // NetworkMode names a network: use it.
  EXPECT_EQ(build(s, cfg).at(0).ip, "10.26.0.2");
  // Otherwise "bridge".
  s.network_mode = "default";
  EXPECT_EQ(build(s, cfg).at(0).ip, "172.17.0.9");
  // Otherwise the first network by name with an address.
  s.networks = {{"zeta", {{"IPAddress", "10.26.0.2"}}}, {"beta", {{"IPAddress", ""}}},
                {"gamma", {{"IPAddress", "10.3.0.2"}}}};
  for (int i = 0; i < 3; ++i) EXPECT_EQ(build(s, cfg).at(0).ip, "10.3.0.2");
}

TEST(RegistratorServiceBuilder, UserDefinedNetworkModeUsesNetworkIpForHostIp) {
  Config cfg;
  ContainerSpec s;
  s.legacy_ip = false;
  s.network_mode = "overlay1";
  s.networks = {{"overlay1", {{"IPAddress", "10.0.9.4"}}}};
  s.ports = {{"80/tcp", bind("8080")}};
  expect_services(build(s, cfg), {{"host1:web5:80", "test", "10.0.9.4", 8080}});
}

TEST(RegistratorServiceBuilder, ContainerNetworkModeUsesPeerIp) {
  Config cfg;
  cfg.internal = true;
  ContainerSpec s;
  s.network_mode = "container:abcdef0123456789";
  s.legacy_ip = false;
  s.networks = json::object();
  ContainerSpec peer;
  peer.legacy_ip = false;
  peer.ip = "172.18.0.5";
  BuildContext ctx{cfg, "host1", {}, [&](const std::string& id) -> std::optional<json> {
                     if (id == "abcdef0123456789") return peer.to_json();
                     return std::nullopt;
                   }};
  auto got = registrator::build_services(s.to_json(), ctx).services;
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].ip, "172.18.0.5");
}

TEST(RegistratorServiceBuilder, OriginAndTtlAreFilled) {
  Config cfg;
  cfg.internal = true;
  cfg.ttl = 30;
  auto got = build(seed(), cfg);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].ttl, 30);
  EXPECT_EQ(got[0].origin.container_id, kId);
  EXPECT_EQ(got[0].origin.container_name, "web5");
  EXPECT_EQ(got[0].origin.exposed_port, "80");
  EXPECT_EQ(got[0].origin.host_port, "7679");
  EXPECT_EQ(got[0].origin.port_type, "tcp");
  EXPECT_EQ(got[1].origin.host_port, "");
}

TEST(RegistratorServiceBuilder, GarbageInputNeverThrows) {
  Config cfg;
  BuildContext ctx{cfg, "h", {}, {}};
  for (const json& j : {json(nullptr), json(42), json::array(), json{{"Config", "x"}, {"NetworkSettings", 3}},
                        json{{"Config", {{"ExposedPorts", {{"80/tcp", {}}}}, {"Env", {1, "SERVICE_X"}}}},
                             {"NetworkSettings", {{"Ports", {{"80/tcp", "bad"}}}}}}}) {
    EXPECT_NO_THROW(registrator::build_services(j, ctx)) << j.dump();
  }
}

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
