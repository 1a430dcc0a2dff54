// Side by side with a real Docker engine (see side_by_side_fixture.hpp): list, inspect, events and
// --state agree field by field; the registrator binary registers a container of the real engine.
#include "tests/fakes/docker/side_by_side_fixture.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;
using namespace side_by_side;

namespace {

TEST_F(SideBySide, ListInspectAndEventsAgreeFieldByField) {
  const std::string since = regtest::now_seconds_text();
  // A process that exits 143 on SIGTERM, as the fake models processes.
  both("run -d --name web1 -e SERVICE_NAME=web -e SERVICE_TAGS=a,b -l com.example.team=blue -p 8080:80 "
       "--expose 443 tiny:1 /bin/sh -c 'trap \"exit 143\" TERM; sleep 1000 & wait' >/dev/null");
  both("run -d --name db1 -P --expose 5432 tiny:1 /bin/sh -c 'trap \"exit 143\" TERM; sleep 1000 & wait' >/dev/null");

  const json real_inspect = api_get(real_->socket(), "/v1.41/containers/web1/json");
  const json fake_inspect = api_get(fake_->socket(), "/v1.41/containers/web1/json");
  EXPECT_EQ(differences(real_inspect, fake_inspect), std::vector<std::string>{})
      << "inspect of a running container differs:\n" << join(differences(real_inspect, fake_inspect));
  EXPECT_EQ(fake_inspect["NetworkSettings"]["IPAddress"], real_inspect["NetworkSettings"]["IPAddress"]);

  const json real_list = api_get(real_->socket(), "/v1.41/containers/json?filters=%7B%22name%22%3A%5B%22web1%22%5D%7D");
  const json fake_list = api_get(fake_->socket(), "/v1.41/containers/json?filters=%7B%22name%22%3A%5B%22web1%22%5D%7D");
  EXPECT_EQ(differences(real_list, fake_list), std::vector<std::string>{})
      << "container list differs:\n" << join(differences(real_list, fake_list));

  // -P: both allocate from the ephemeral range; the numbers themselves may differ.
  const json db_real = api_get(real_->socket(), "/v1.41/containers/db1/json")["NetworkSettings"]["Ports"]["5432/tcp"];
  const json db_fake = api_get(fake_->socket(), "/v1.41/containers/db1/json")["NetworkSettings"]["Ports"]["5432/tcp"];
  ASSERT_TRUE(db_real.is_array() && db_fake.is_array()) << db_real << " / " << db_fake;
  EXPECT_EQ(db_real.size(), db_fake.size());

  both("stop -t 5 web1 >/dev/null");
  both("kill db1 >/dev/null");
  const json real_stopped = api_get(real_->socket(), "/v1.41/containers/web1/json");
  const json fake_stopped = api_get(fake_->socket(), "/v1.41/containers/web1/json");
  EXPECT_EQ(real_stopped["State"]["ExitCode"], 143);
  EXPECT_EQ(differences(real_stopped, fake_stopped), std::vector<std::string>{})
      << "inspect of a stopped container differs:\n" << join(differences(real_stopped, fake_stopped));
  EXPECT_EQ(api_get(real_->socket(), "/v1.41/containers/db1/json")["State"]["ExitCode"],
            api_get(fake_->socket(), "/v1.41/containers/db1/json")["State"]["ExitCode"]);

  both("rename web1 web2");
  both("rm web2 >/dev/null");  // one at a time: the CLI removes several in parallel
  both("rm db1 >/dev/null");
  const std::string until = regtest::now_seconds_text();

  const auto real_events = events_between(real_->socket(), since, until);
  const auto fake_events = events_between(fake_->socket(), since, until);
  auto actions = [](const std::vector<json>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.value("Type", "") + " " + e.value("Action", ""));
    return out;
  };
  ASSERT_EQ(actions(fake_events), actions(real_events));
  for (std::size_t i = 0; i < real_events.size(); ++i) {
    EXPECT_EQ(differences(real_events[i], fake_events[i]), std::vector<std::string>{})
        << "event " << i << " (" << actions(real_events)[i] << ") differs:\n"
        << join(differences(real_events[i], fake_events[i]));
  }
}

// --state: what `docker inspect` prints on the real engine, loaded into a new fake-docker,
// inspects the same, field by field (with the allowances above; IDs and times now agree too).
TEST_F(SideBySide, AStateSnapshotOfTheRealEngineInspectsTheSame) {
  const std::vector<std::string> names = {"snap-web", "snap-db", "snap-job"};
  ASSERT_EQ(real_->cli("run -d --name snap-web -e SERVICE_NAME=web -l tier=front -p 8081:80 tiny:1 "
                       "/bin/sh -c 'sleep 1000' >/dev/null").exit_code, 0);
  ASSERT_EQ(real_->cli("run -d --name snap-db -P --expose 5432 tiny:1 /bin/sh -c 'sleep 1000' >/dev/null").exit_code, 0);
  EXPECT_EQ(real_->cli("run --name snap-job tiny:1 /bin/sh -c 'exit 3'").exit_code, 3);
  auto snapshot = real_->cli("inspect snap-web snap-db snap-job");
  ASSERT_EQ(snapshot.exit_code, 0) << snapshot.output;

  regtest::TempDir dir("fake-docker-state");
  std::ofstream(dir.path() / "host.json") << snapshot.output;
  const std::string socket = (dir.path() / "docker.sock").string();
  const auto ready = dir.path() / "ready.json";
  test_support::ChildProcess restored({bin("fake-docker"), "--socket", socket, "--api-version", "1.41", "--state",
                                       (dir.path() / "host.json").string(), "--ready-file", ready.string()},
                                      test_support::Output::log_file(dir.path() / "log.txt"));
  ASSERT_TRUE(restored.wait_for_file(ready, 20s));
  for (const auto& name : names) {
    const json real = api_get(real_->socket(), "/v1.41/containers/" + name + "/json");
    const json fake = api_get(socket, "/v1.41/containers/" + name + "/json");
    EXPECT_EQ(fake["Id"], real["Id"]);
    EXPECT_EQ(fake["State"]["Status"], real["State"]["Status"]) << name;
    EXPECT_EQ(differences(real, fake), std::vector<std::string>{})
        << "restored " << name << " differs:\n" << join(differences(real, fake));
  }
  for (const auto& name : names) real_->cli("rm -f " + name + " >/dev/null");
}

TEST_F(SideBySide, RegistratorRegistersAContainerOfTheRealEngine) {
  regtest::TempDir dir("real-dockerd-registrator");
  const auto ready = dir.path() / "consul.ready";
  test_support::ChildProcess consul({bin("fake-consul"), "--http", "127.0.0.1:0", "--ready-file", ready.string()},
                                    test_support::Output::log_file(dir.path() / "consul.log"));
  ASSERT_TRUE(consul.wait_for_file(ready, 20s));
  const std::string consul_addr = json::parse(regtest::read_text(ready))["http"];

  ASSERT_EQ(real_->cli("run -d --name api1 -e SERVICE_NAME=api -e SERVICE_CHECK_TTL=30s -p 9090:80 tiny:1 "
                       "/bin/sh -c 'trap \"exit 143\" TERM; sleep 1000 & wait'").exit_code,
            0);
  test_support::ChildProcess registrator(
      test_support::Command{bin("registrator"), "-hostname", "host1", "-ip", "192.0.2.10", "consul://" + consul_addr}
          .env("DOCKER_HOST", "unix://" + real_->socket()),
      test_support::Output::log_file(dir.path() / "registrator.log"));

  auto instances = [&] {
    auto r = run_shell("curl -sS http://" + consul_addr + "/v1/catalog/service/api");
    return r.exit_code == 0 ? json::parse(r.output) : json::array();
  };
  ASSERT_TRUE(regtest::eventually([&] { return instances().size() == 1; }, 20s))
      << regtest::read_text(dir.path() / "registrator.log");
  const json entry = instances()[0];
  EXPECT_EQ(entry["ServiceID"], "host1:api1:80");
  EXPECT_EQ(entry["ServicePort"], 9090);
  EXPECT_EQ(entry["ServiceAddress"], "192.0.2.10");

  // The real engine's stop → die event deregisters it.
  ASSERT_EQ(real_->cli("stop -t 5 api1").exit_code, 0);
  EXPECT_TRUE(regtest::eventually([&] { return instances().empty(); }, 20s))
      << regtest::read_text(dir.path() / "registrator.log");
  real_->cli("rm -f api1");
}

}  // namespace
