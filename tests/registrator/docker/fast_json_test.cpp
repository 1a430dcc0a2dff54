// fast_json gives exactly nlohmann's document for what it accepts, and declines (nullopt) what
// nlohmann rejects or what it leaves to nlohmann, so callers keep nlohmann's errors.
#include <gtest/gtest.h>

#include "registrator/docker/fast_json.hpp"
#include "registrator/docker/inspect_fields.hpp"
#include "registrator/mapping/service_builder.hpp"

namespace {

using nlohmann::json;
namespace fj = registrator::fast_json;

// Same value and same number kinds (unsigned/signed), recursively.
void expect_same(const json& a, const json& b, const std::string& where) {
  ASSERT_EQ(a.type(), b.type()) << where;
  ASSERT_EQ(a, b) << where;
  if (a.is_object())
    for (auto it = a.begin(); it != a.end(); ++it) expect_same(it.value(), b.at(it.key()), where + "." + it.key());
  if (a.is_array())
    for (std::size_t i = 0; i < a.size(); ++i) expect_same(a[i], b[i], where + "[" + std::to_string(i) + "]");
}

TEST(RegistratorFastJson, GivesNlohmannsDocument) {
  const std::vector<std::string> docs = {
      R"({})",
      R"( [ ] )",
      R"({"Id":"abc","Config":{"Env":["A=1","SERVICE_NAME=web"],"Labels":{"x":"y"},"ExposedPorts":{"80/tcp":{}}}})",
      R"({"n":0,"m":-1,"big":18446744073709551615,"neg":-9223372036854775808,"t":true,"f":false,"z":null})",
      R"({"esc":"a\"b\\c\/d\b\f\n\r\t","u":"\u003c\u0026\u00e9\u20ac\ud83d\ude00"})",
      R"({"dup":1,"dup":"second"})",
      "\t\r\n{\"a\" : [ 1 , { \"b\" : [ ] } ] }\n",
      R"({"NetworkSettings":{"Ports":{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"32768"}],"81/udp":null}}})",
  };
  for (const auto& d : docs) {
    auto fast = fj::parse(d);
    ASSERT_TRUE(fast.has_value()) << d;
    expect_same(*fast, json::parse(d), d);
  }
}

TEST(RegistratorFastJson, DeclinesWhatNlohmannRejects) {
  for (const std::string& bad : std::vector<std::string>{"", "   ", "{", "{\"a\":}", "{\"a\" 1}", "[1,]", "[1 2]", "{\"a\":1,}", "tru", "nul",
                          "01", "-", "--1", "\"abc", "\"a\\x\"", "\"\\u12\"", "\"\\udc00\"", "\"\\ud800x\"",
                          std::string("\"a\x01\""), "{} {}", "[1]]", "{'a':1}"}) {
    EXPECT_FALSE(fj::parse(bad).has_value()) << bad;
    EXPECT_THROW(json::parse(bad).is_null(), json::parse_error) << bad;
  }
}

TEST(RegistratorFastJson, LeavesFractionsHugeIntegersNonAsciiAndDeepNestingToNlohmann) {
  for (const std::string& text : std::vector<std::string>{"1.5", "1e3", "[18446744073709551616]", "[-9223372036854775809]", "\"caf\xc3\xa9\"",
                           std::string(300, '[') + std::string(300, ']')}) {
    EXPECT_FALSE(fj::parse(text).has_value()) << text;
    EXPECT_NO_THROW(json::parse(text).is_null()) << text;
  }
}

TEST(RegistratorFastJson, ArrayIdsKeepsEachElementsLastStringId) {
  auto ids = fj::array_ids(
      R"([{"Id":"a","Names":["/x"],"Ports":[{"PrivatePort":80}]},{"Names":[]},{"Id":"b","Id":"c"},{"Id":5},{"Id":"d","Id":null},3,"s"])");
  ASSERT_TRUE(ids.has_value());
  EXPECT_EQ(*ids, (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(fj::array_ids("[]"), std::vector<std::string>{});
  EXPECT_FALSE(fj::array_ids(R"({"Id":"a"})").has_value()) << "not an array";
  EXPECT_FALSE(fj::array_ids(R"([{"Id":"a"})").has_value()) << "truncated";
  EXPECT_FALSE(fj::array_ids(R"([{"Id":"a"}] x)").has_value()) << "trailing garbage";
}

TEST(RegistratorFastJson, ProjectionKeepsNamedMembersAndChecksTheRest) {
  const fj::Projection addr{{{"IP"}}, nullptr};
  const fj::Projection each{{}, &addr};
  const fj::Projection top{{{"Id"}, {"Nets", &each}, {"Whole"}, {"Odd", &addr}}, nullptr};
  auto got = fj::parse_projected(
      R"({"Id":"a","Skip":{"deep":[1,{"x":null}]},"Nets":{"n1":{"IP":"1.2.3.4","Mac":"m"},"n2":{"Mac":"z"}},)"
      R"("Whole":{"k":[true]},"Odd":[1,2],"Id":"b"})",
      top);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, json::parse(R"({"Id":"b","Nets":{"n1":{"IP":"1.2.3.4"},"n2":{}},"Whole":{"k":[true]},"Odd":[1,2]})"));
  // What is dropped is still read: a broken or unusual dropped member declines the whole document.
  EXPECT_FALSE(fj::parse_projected(R"({"Id":"a","Skip":{"x":]}})", top).has_value());
  EXPECT_FALSE(fj::parse_projected(R"({"Id":"a","Skip":1.5})", top).has_value());
  EXPECT_FALSE(fj::parse_projected(R"({"Id":"a"} x)", top).has_value());
}

// A document shaped like dockerd 20.10's inspect answer (every top-level member, two networks).
const char* kRealShapedInspect = R"({
  "Id": "4f1ab0ac5b2d8f0c9e7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e",
  "Created": "2024-05-01T10:00:00.123456789Z", "Path": "/bin/sleep", "Args": ["1000"],
  "State": {"Status": "running", "Running": true, "Paused": false, "Restarting": false, "OOMKilled": false,
            "Dead": false, "Pid": 4242, "ExitCode": 0, "Error": "", "StartedAt": "2024-05-01T10:00:01Z",
            "FinishedAt": "0001-01-01T00:00:00Z"},
  "Image": "sha256:0123", "ResolvConfPath": "/var/lib/docker/containers/4f/resolv.conf",
  "Name": "/web-1", "RestartCount": 0, "Driver": "overlay2", "Platform": "linux", "MountLabel": "",
  "ProcessLabel": "", "AppArmorProfile": "", "ExecIDs": null,
  "HostConfig": {"Binds": null, "NetworkMode": "default", "PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": ""}]},
                 "RestartPolicy": {"Name": "no", "MaximumRetryCount": 0}, "AutoRemove": false, "Dns": [],
                 "CapAdd": null, "ShmSize": 67108864, "Memory": 0, "CpuShares": 0},
  "GraphDriver": {"Data": {"LowerDir": "/var/lib/docker/overlay2/a/diff"}, "Name": "overlay2"},
  "Mounts": [{"Type": "volume", "Name": "v", "Source": "/var/lib/docker/volumes/v/_data", "Destination": "/data",
              "Driver": "local", "Mode": "", "RW": true, "Propagation": ""}],
  "Config": {"Hostname": "4f1ab0ac5b2d", "Domainname": "", "User": "", "AttachStdin": false, "Tty": false,
             "ExposedPorts": {"80/tcp": {}, "443/tcp": {}, "53/udp": {}},
             "Env": ["PATH=/usr/bin", "SERVICE_NAME=shop", "SERVICE_443_NAME=shop-tls", "SERVICE_TAGS=a,b\\,c",
                     "SERVICE_53_IGNORE=", "SERVICE_CHECK_HTTP=/health"],
             "Cmd": ["/bin/sleep", "1000"], "Image": "registry.example.com/shop/web:1.2", "Volumes": null,
             "WorkingDir": "", "Entrypoint": null, "OnBuild": null,
             "Labels": {"team": "blue", "SERVICE_REGION": "eu", "ip.label": "10.9.8.7/24"}},
  "NetworkSettings": {"Bridge": "", "SandboxID": "abc", "HairpinMode": false, "SandboxKey": "/var/run/docker/netns/abc",
                      "Ports": {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "49153"}, {"HostIp": "::", "HostPort": "49153"}],
                                "443/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8443"}], "53/udp": null},
                      "EndpointID": "e1", "Gateway": "172.17.0.1", "GlobalIPv6Address": "", "IPAddress": "172.17.0.5",
                      "IPPrefixLen": 16, "MacAddress": "02:42:ac:11:00:05",
                      "Networks": {"bridge": {"IPAMConfig": null, "Links": null, "Aliases": null, "NetworkID": "n1",
                                              "EndpointID": "e1", "Gateway": "172.17.0.1", "IPAddress": "172.17.0.5",
                                              "IPPrefixLen": 16, "GlobalIPv6Address": "", "MacAddress": "02:42:ac:11:00:05"},
                                   "backend": {"NetworkID": "n2", "IPAddress": "172.18.0.3", "GlobalIPv6Address": "fd00::3"}}}
})";

TEST(RegistratorFastJson, InspectFieldsBuildTheSameServicesAsTheWholeDocument) {
  const json whole = json::parse(kRealShapedInspect);
  auto kept = fj::parse_projected(kRealShapedInspect, registrator::inspect_fields_used());
  ASSERT_TRUE(kept.has_value());
  EXPECT_FALSE(kept->contains("Mounts"));
  EXPECT_FALSE(kept->contains("GraphDriver"));
  EXPECT_FALSE(kept->at("HostConfig").contains("PortBindings"));
  EXPECT_EQ(kept->at("State"), json::parse(R"({"Running":true,"ExitCode":0})"));
  EXPECT_EQ(kept->at("NetworkSettings").at("Networks").at("backend"),
            json::parse(R"({"IPAddress":"172.18.0.3","GlobalIPv6Address":"fd00::3"})"));

  for (const char* mode : {"default", "backend", "bridge"}) {
    json w = whole, k = *kept;
    w["HostConfig"]["NetworkMode"] = mode;
    k["HostConfig"]["NetworkMode"] = mode;
    for (int variant = 0; variant < 4; ++variant) {
      registrator::Config cfg;
      cfg.internal = variant == 1;
      cfg.host_ip = variant == 2 ? "10.0.0.1" : "";
      cfg.use_ip_from_label = variant == 3 ? "ip.label" : "";
      cfg.force_tags = "forced,x";
      registrator::BuildContext ctx{cfg, "node1", [](const std::string&) { return std::optional<std::string>("192.0.2.1"); }, {}};
      const auto a = registrator::build_services(w, ctx), b = registrator::build_services(k, ctx);
      EXPECT_EQ(a.services, b.services) << mode << " variant " << variant;
      EXPECT_EQ(a.notes, b.notes) << mode << " variant " << variant;
      EXPECT_FALSE(a.services.empty());
      EXPECT_EQ(registrator::container_ip(w), registrator::container_ip(k));
    }
  }
}

}  // namespace
