// Table tests for the pure container -> services translation (upstream bridge.go/util.go and the
// docs/user/services.md examples); tags, the Consul checks of docs/user/backends.md and IPv6 are
// in service_builder_checks_ipv6_test.cpp.
#include "tests/registrator/mapping/service_builder_cases.hpp"

using namespace regtest::mapping;

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
