// Side by side with a real Docker engine (see side_by_side_fixture.hpp): networks.
#include "tests/fakes/docker/side_by_side_fixture.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;
using namespace side_by_side;

namespace {

// User-defined networks: create, run on one, connect and disconnect a container of the default
// bridge; inspect, the network's own inspect and the network events agree field by field, and
// refused operations fail with the engine's text.
TEST_F(SideBySide, UserDefinedNetworksAgreeFieldByField) {
  const std::string since = regtest::now_seconds_text();
  const std::string sleeper = "tiny:1 /bin/sh -c 'trap \"exit 143\" TERM; sleep 1000 & wait' >/dev/null";
  both("network create appnet >/dev/null");
  both("run -d --name onnet --network appnet " + sleeper);
  both("run -d --name joiner -p 8090:80 " + sleeper);
  both("network connect appnet joiner");
  // On a user-defined network API 1.41 lists the container's short ID as an alias: each engine
  // its own ID, so the alias is checked against it and then set aside.
  auto own_alias_checked = [](json doc) {
    json& aliases = doc["NetworkSettings"]["Networks"]["appnet"]["Aliases"];
    EXPECT_EQ(aliases, json::array({doc["Id"].get<std::string>().substr(0, 12)}));
    aliases = "<short id>";
    return doc;
  };
  for (const char* name : {"onnet", "joiner"}) {
    const json real = own_alias_checked(api_get(real_->socket(), std::string("/v1.41/containers/") + name + "/json"));
    const json fake = own_alias_checked(api_get(fake_->socket(), std::string("/v1.41/containers/") + name + "/json"));
    EXPECT_EQ(differences(real, fake), std::vector<std::string>{})
        << name << " on a user-defined network differs:\n" << join(differences(real, fake));
  }
  const json real_net = api_get(real_->socket(), "/v1.41/networks/appnet");
  const json fake_net = api_get(fake_->socket(), "/v1.41/networks/appnet");
  EXPECT_EQ(fake_net["IPAM"], real_net["IPAM"]) << "the same subnet and gateway";
  EXPECT_EQ(fake_net["Containers"].size(), real_net["Containers"].size());

  both("network disconnect appnet joiner");
  const json real_after = api_get(real_->socket(), "/v1.41/containers/joiner/json");
  const json fake_after = api_get(fake_->socket(), "/v1.41/containers/joiner/json");
  EXPECT_EQ(differences(real_after, fake_after), std::vector<std::string>{})
      << "after disconnect:\n" << join(differences(real_after, fake_after));

  // Refused: the same exit status and the same first line of the engine's message.
  auto first_line = [](const std::string& text) { return text.substr(0, text.find('\n')); };
  for (const std::string args : {"network connect appnet onnet", "network disconnect appnet nosuch",
                                 "network create appnet", "network rm nosuchnet"}) {
    const auto r = real_->cli(args);
    const auto f = fake_->cli(args);
    EXPECT_EQ(f.exit_code, r.exit_code) << args << "\nreal: " << r.output << "fake: " << f.output;
    EXPECT_EQ(first_line(f.output), first_line(r.output)) << args;
  }

  both("rm -f onnet >/dev/null");  // one at a time: the CLI removes several in parallel
  both("rm -f joiner >/dev/null");
  both("network rm appnet >/dev/null");
  const std::string until = regtest::now_seconds_text();
  const auto real_events = network_events_between(real_->socket(), since, until);
  const auto fake_events = network_events_between(fake_->socket(), since, until);
  ASSERT_EQ(network_actions(fake_events), network_actions(real_events)) << "real: " << json(real_events).dump() << "\nfake: " << json(fake_events).dump();
  for (std::size_t i = 0; i < real_events.size(); ++i)
    EXPECT_EQ(differences(real_events[i], fake_events[i]), std::vector<std::string>{})
        << "network event " << i << " (" << network_actions(real_events)[i] << ") differs:\n"
        << join(differences(real_events[i], fake_events[i]));

  // A removed network's pool is not handed out again at once: the next network gets the next
  // pool on both (the fake used to run out of pools after 14 networks created and removed).
  both("network create reused >/dev/null");
  EXPECT_EQ(api_get(fake_->socket(), "/v1.41/networks/reused")["IPAM"],
            api_get(real_->socket(), "/v1.41/networks/reused")["IPAM"])
      << "the pool of a network created after one was removed";
  both("network rm reused >/dev/null");
}

// A container that never ran leaves the network it was created on and joins it again with an
// alias, as docker-compose does with each container it creates: inspect after every step, the
// exit status and first line of each network command, and the network events agree. The short
// ID in Aliases is set aside: dockerd 20.10 adds it when the container joins (connect, start),
// fake-docker below API 1.45 always reports it, as engines from API 1.45 on do for old clients.
TEST_F(SideBySide, CreatedContainerLeavesAndRejoinsItsNetwork) {
  const std::string since = regtest::now_seconds_text();
  const std::string sleeper = "tiny:1 /bin/sh -c 'trap \"exit 143\" TERM; sleep 1000 & wait' >/dev/null";
  both("network create stagenet >/dev/null");
  both("create --name staged --network stagenet " + sleeper);
  auto without_short_id = [](json doc) {
    const std::string short_id = doc["Id"].get<std::string>().substr(0, 12);
    for (auto& [name, endpoint] : doc["NetworkSettings"]["Networks"].items()) {
      if (!endpoint["Aliases"].is_array()) continue;
      json kept = json::array();
      for (const auto& alias : endpoint["Aliases"])
        if (alias != short_id) kept.push_back(alias);
      endpoint["Aliases"] = kept.empty() ? json() : kept;
    }
    return doc;
  };
  auto compare = [&](const std::string& when) {
    const json real = without_short_id(api_get(real_->socket(), "/v1.41/containers/staged/json"));
    const json fake = without_short_id(api_get(fake_->socket(), "/v1.41/containers/staged/json"));
    EXPECT_EQ(differences(real, fake), std::vector<std::string>{}) << when << ":\n" << join(differences(real, fake));
  };
  // The first line of the answer, each engine's container ID in it set aside.
  auto first_line = [](const std::string& text) {
    return std::regex_replace(text.substr(0, text.find('\n')), std::regex("[0-9a-f]{64}"), "<id>");
  };
  auto same_answer = [&](const std::string& args) {
    const auto r = real_->cli(args);
    const auto f = fake_->cli(args);
    EXPECT_EQ(f.exit_code, r.exit_code) << args << "\nreal: " << r.output << "fake: " << f.output;
    EXPECT_EQ(first_line(f.output), first_line(r.output)) << args;
  };
  compare("created on stagenet");
  same_answer("network disconnect stagenet staged");
  compare("after leaving it");
  same_answer("network disconnect stagenet staged");
  same_answer("network connect --alias s1 stagenet staged");
  compare("after joining again with an alias");
  same_answer("network connect stagenet staged");
  compare("after a second connect while stopped");
  both("start staged");
  compare("started");
  same_answer("network connect stagenet staged");
  both("rm -f staged >/dev/null");
  both("network rm stagenet >/dev/null");
  const std::string until = regtest::now_seconds_text();
  const auto real_events = network_events_between(real_->socket(), since, until);
  const auto fake_events = network_events_between(fake_->socket(), since, until);
  ASSERT_EQ(network_actions(fake_events), network_actions(real_events));
  for (std::size_t i = 0; i < real_events.size(); ++i)
    EXPECT_EQ(differences(real_events[i], fake_events[i]), std::vector<std::string>{})
        << "network event " << i << " (" << network_actions(real_events)[i] << ") differs:\n"
        << join(differences(real_events[i], fake_events[i]));
}

// `--net container:<name>`: the joining container shares the other's network stack. Both
// engines show the mode with the other container's full ID (checked against each engine's own
// ID, then set aside), no networks and no ports of its own; the events agree.
TEST_F(SideBySide, ContainerNetworkModeAgreesFieldByField) {
  const std::string since = regtest::now_seconds_text();
  const std::string sleeper = "tiny:1 /bin/sh -c 'trap \"exit 143\" TERM; sleep 1000 & wait' >/dev/null";
  both("run -d --name netowner -p 8095:80 -e SERVICE_NAME=owner " + sleeper);
  // Ports of its own are refused, with the engine's text, and nothing is created.
  auto first_line = [](const std::string& text) { return text.substr(0, text.find('\n')); };
  for (const std::string ports : {"--expose 9000", "-p 9001:9000", "-P"}) {
    const std::string args = "run -d --name refused --net container:netowner " + ports + " " + sleeper;
    const auto r = real_->cli(args);
    const auto f = fake_->cli(args);
    EXPECT_EQ(f.exit_code, r.exit_code) << args << "\nreal: " << r.output << "fake: " << f.output;
    EXPECT_EQ(first_line(f.output), first_line(r.output)) << args;
    real_->cli("rm -f refused >/dev/null 2>&1");
    fake_->cli("rm -f refused >/dev/null 2>&1");
  }
  both("run -d --name sidecar --net container:netowner -e SERVICE_NAME=side " + sleeper);
  auto owner_id_checked = [](json doc, const json& owner) {
    EXPECT_EQ(doc["HostConfig"]["NetworkMode"], "container:" + owner["Id"].get<std::string>());
    doc["HostConfig"]["NetworkMode"] = "container:<owner id>";
    return doc;
  };
  const json real_owner = api_get(real_->socket(), "/v1.41/containers/netowner/json");
  const json fake_owner = api_get(fake_->socket(), "/v1.41/containers/netowner/json");
  const json real = owner_id_checked(api_get(real_->socket(), "/v1.41/containers/sidecar/json"), real_owner);
  const json fake = owner_id_checked(api_get(fake_->socket(), "/v1.41/containers/sidecar/json"), fake_owner);
  EXPECT_EQ(differences(real, fake), std::vector<std::string>{})
      << "a container in another's network namespace differs:\n" << join(differences(real, fake));

  const std::string filter = "/v1.41/containers/json?filters=%7B%22name%22%3A%5B%22sidecar%22%5D%7D";
  json real_list = api_get(real_->socket(), filter);
  json fake_list = api_get(fake_->socket(), filter);
  ASSERT_EQ(real_list.size(), 1u);
  ASSERT_EQ(fake_list.size(), 1u);
  for (auto* l : {&real_list, &fake_list}) (*l)[0]["HostConfig"]["NetworkMode"] = "container:<owner id>";
  EXPECT_EQ(differences(real_list, fake_list), std::vector<std::string>{})
      << "list entry differs:\n" << join(differences(real_list, fake_list));

  // Joining a stopped container fails at start, naming the other container by its ID.
  both("stop -t 5 netowner >/dev/null");
  const std::string late = "run -d --name late --net container:netowner " + sleeper;
  const auto r = real_->cli(late);
  const auto f = fake_->cli(late);
  EXPECT_EQ(f.exit_code, r.exit_code) << "real: " << r.output << "fake: " << f.output;
  const auto without_id = [&](const std::string& text, const json& owner) {
    std::string line = first_line(text);
    const auto at = line.find(owner["Id"].get<std::string>());
    return at == std::string::npos ? line : line.replace(at, 64, "<owner id>");
  };
  EXPECT_EQ(without_id(f.output, fake_owner), without_id(r.output, real_owner));
  both("rm -f late >/dev/null");
  both("rm -f sidecar >/dev/null");
  both("rm -f netowner >/dev/null");
  const std::string until = regtest::now_seconds_text();
  auto actions = [](const std::vector<json>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.value("Type", "") + " " + e.value("Action", ""));
    return out;
  };
  const auto real_events = events_between(real_->socket(), since, until);
  const auto fake_events = events_between(fake_->socket(), since, until);
  ASSERT_EQ(actions(fake_events), actions(real_events));
  for (std::size_t i = 0; i < real_events.size(); ++i)
    EXPECT_EQ(differences(real_events[i], fake_events[i]), std::vector<std::string>{})
        << "event " << i << " (" << actions(real_events)[i] << ") differs:\n"
        << join(differences(real_events[i], fake_events[i]));
}

}  // namespace
