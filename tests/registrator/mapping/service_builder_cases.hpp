#pragma once
// Shared by the service builder tests: a container spec turned into `docker inspect` JSON, the
// build with a Config, and a compact way to state the services expected.
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

namespace regtest::mapping {


inline const std::string kId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

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

inline json bind(const std::string& host_port, const std::string& host_ip = "0.0.0.0") {
  return json::array({{{"HostIp", host_ip}, {"HostPort", host_port}}, {{"HostIp", "::"}, {"HostPort", host_port}}});
}

inline std::vector<Service> build(const ContainerSpec& spec, const Config& cfg, const std::string& host = "host1") {
  BuildContext ctx{cfg, host, {}, {}};
  return registrator::build_services(spec.to_json(), ctx).services;
}

struct Expect {
  std::string id, name, ip;
  int port;
  std::vector<std::string> tags = {};
  std::map<std::string, std::string> attrs = {};
};

inline void expect_services(const std::vector<Service>& got, const std::vector<Expect>& want) {
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

inline ContainerSpec seed() {
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

}  // namespace regtest::mapping
