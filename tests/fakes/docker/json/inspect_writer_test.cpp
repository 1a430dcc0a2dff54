// The inspect text fake-docker serves (written directly, for speed) is byte for byte the dump of
// the readable reference document, container_inspect_json(), for containers in every state and
// shape and at every API version that changes the document.
#include "fakes/docker/json/json_out.hpp"
#include "fakes/docker/json/json_views.hpp"

#include <gtest/gtest.h>

namespace fd = fakes::docker;

namespace {

fd::Endpoint bridge_endpoint(bool running) {
  fd::Endpoint e;
  e.network = "bridge";
  e.network_id = "n1";
  e.driver = "bridge";
  if (running) {
    e.endpoint_id = "ep1";
    e.ip = "172.17.0.2";
    e.gateway = "172.17.0.1";
    e.prefix_len = 16;
    e.mac = "02:42:ac:11:00:02";
  }
  return e;
}

fd::Container base() {
  fd::Container c;
  c.id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  c.name = "web";
  c.image_id = "sha256:feedface";
  c.created = 1'700'000'000'123'456'789;
  c.config.hostname = "0123456789ab";
  c.config.image = "registry.example.com/shop/web:1.2";
  c.config.env = {"SERVICE_NAME=web", "PATH=/usr/bin"};
  c.config.labels = {{"team", "blue"}};
  c.config.exposed_ports = {"80/tcp"};
  c.config.cmd = {"nginx", "-g", "daemon off;"};
  c.host_config.network_mode = "default";
  c.host_config.port_bindings["80/tcp"] = {fd::PortBinding{"", ""}};
  c.endpoint = bridge_endpoint(false);
  return c;
}

std::vector<std::pair<std::string, fd::Container>> containers() {
  std::vector<std::pair<std::string, fd::Container>> out;
  out.emplace_back("created", base());

  fd::Container running = base();
  running.state = {"running", true, false, 0, 4242, 1'700'000'001'000'000'000, 0, ""};
  running.endpoint = bridge_endpoint(true);
  running.config.exposed_ports = {"80/tcp", "53/udp", "9000/tcp"};
  running.published["80/tcp"] = {fd::PortBinding{"0.0.0.0", "32768"}, fd::PortBinding{"::", "32768"}};
  running.published["53/udp"] = {fd::PortBinding{"127.0.0.1", "5353"}};
  running.restart_count = 2;
  out.emplace_back("running with published and exposed-only ports", running);

  fd::Container odd = running;
  odd.config.env = {"Q=\"quoted\" back\\slash", "NL=a\nb\tc\rd\be\ff", std::string("CTL=\x01\x1f\x7f"),
                    "UTF8=caf\xc3\xa9 \xe2\x82\xac", "HTML=<a href='x'>&amp;</a>"};
  odd.config.labels = {{"weird \"key\"", "v\n"}, {"", "empty key"}};
  odd.config.cmd.clear();
  odd.config.entrypoint.clear();
  odd.config.stdio = {true, true, true, true, true, true};
  odd.state.health = "healthy";
  odd.state.paused = true;
  odd.host_config.publish_all_ports = true;
  out.emplace_back("escapes, health, no command", odd);

  fd::Container exited = base();
  exited.state = {"exited", false, false, 137, 0, 1'700'000'001'000'000'000, 1'700'000'002'500'000'000, ""};
  exited.config.exposed_ports.clear();
  exited.host_config.port_bindings.clear();
  exited.config.entrypoint = {"/entry point.sh"};
  out.emplace_back("exited, entrypoint, no ports", exited);

  fd::Container user = running;
  user.host_config.network_mode = "shop";
  user.endpoint.network = "shop";
  user.endpoint.ipam_config_json = R"({"IPv4Address": "10.1.0.9"})";
  user.endpoint.driver_opts_json = R"({"b":"2","a":"1"})";
  fd::Endpoint extra = bridge_endpoint(true);
  extra.network = "backend";
  fd::Endpoint again = bridge_endpoint(true);
  again.network = "shop";  // a repeated name: first place, last value
  again.ip = "10.1.0.10";
  user.connected = {extra, again};
  out.emplace_back("user-defined networks", user);

  fd::Container host = running;
  host.host_config.network_mode = "host";
  host.endpoint.network = "host";
  host.endpoint.driver = "host";
  out.emplace_back("host network", host);

  fd::Container none = base();
  none.endpoint = fd::Endpoint{};
  none.image_id = "noprefix";
  out.emplace_back("no network, image id without algorithm", none);
  return out;
}

TEST(FakeDockerInspectWriter, IsTheDumpOfTheReferenceDocument) {
  const std::vector<fd::ApiVersion> versions = {{1, 24}, {1, 41}, {1, 42}, {1, 43}, {1, 44}, {1, 45},
                                                {1, 47}, {1, 48}, {1, 51}, {1, 52}};
  for (const auto& [what, c] : containers()) {
    for (const auto v : versions) {
      EXPECT_EQ(fd::write_container_inspect(c, v), fd::container_inspect_json(c, v).dump())
          << what << " at API " << v.to_string();
    }
  }
}

TEST(FakeDockerInspectWriter, ServedTextFollowsTheContainersRevision) {
  auto c = base();
  const auto before = fd::container_inspect_text(c, {1, 47});
  c.state = {"running", true, false, 0, 7, 1'700'000'001'000'000'000, 0, ""};
  ++c.revision;
  const auto after = fd::container_inspect_text(c, {1, 47});
  EXPECT_NE(before, after);
  EXPECT_EQ(after, fd::container_inspect_json(c, {1, 47}).dump());
}

}  // namespace

// JsonOut scans eight bytes at a time for what needs escaping: every escape, at every offset of
// strings around the word size, prints as nlohmann prints it.
TEST(FakeDockerJsonOut, StringsAreEscapedAsNlohmannDoes) {
  const std::string specials = std::string("\"\\\b\f\n\r\t\x01\x1f") + "\x7f\xc3\xa9 /~";
  for (std::size_t len = 0; len <= 19; ++len) {
    for (char special : specials) {
      for (std::size_t at = 0; at < std::max<std::size_t>(len, 1); ++at) {
        std::string s(len, 'a');
        if (len > 0) s[at] = special;
        std::string out;
        fd::JsonOut(out).str(s);
        // \xc3 alone is not UTF-8; nlohmann would throw on it, JsonOut copies it like \xa9 below.
        if (static_cast<unsigned char>(special) >= 0x80) {
          EXPECT_EQ(out, "\"" + s + "\"");
          continue;
        }
        ASSERT_EQ(out, nlohmann::json(s).dump()) << "length " << len << ", byte " << int(special) << " at " << at;
      }
    }
  }
}

