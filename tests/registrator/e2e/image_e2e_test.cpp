// The registrator image as a user gets it: built from registrator/Dockerfile by a real Docker
// engine (dockerd in a network namespace this test creates, see engine_in_netns.hpp), run the
// way upstream's image is run (engine socket at /tmp/docker.sock, --net=host) against a
// fake-consul in the same namespace; a container started on that engine shows up in the
// catalog and leaves it when stopped. Also: the image's contract (entrypoint, DOCKER_HOST, OCI
// labels = what the binary says) and its size, recorded as the image_size_bytes property.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

#include <nlohmann/json.hpp>

#include "registrator/http/http_client.hpp"
#include "tests/registrator/e2e/engine_in_netns.hpp"
#include "tests/support/process/child.hpp"
#include "tests/support/test_helpers.hpp"

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kTag = "registrator-cpp:test";

// fake-consul on the namespace's loopback, and on a unix socket the test (outside) reads.
class ConsulInNetns {
 public:
  explicit ConsulInNetns(const regtest::EngineInNetns& engine) {
    socket_ = (engine.dir() / "consul.sock").string();
    const auto ready = engine.dir() / "consul.ready";
    child_ = std::make_unique<test_support::ChildProcess>(
        engine.in_netns({regtest::bin("fake-consul"), "--http", "127.0.0.1:0", "--http-unix", socket_, "--ready-file",
                         ready.string()}),
        test_support::Output::log_file(engine.dir() / "consul.log"));
    if (auto up = child_->wait_for_file(ready, 20s); !up) {
      error_ = "fake-consul did not start: " + std::string(up.message());
      return;
    }
    http_ = json::parse(regtest::read_text(ready)).at("http").get<std::string>();
  }
  const std::string& error() const { return error_; }
  /// "127.0.0.1:PORT" inside the namespace.
  const std::string& http_address() const { return http_; }
  json catalog_service(const std::string& name) const {
    registrator::http::Request req;
    req.target = "/v1/catalog/service/" + name;
    const auto r = registrator::http::send(registrator::http::Endpoint::unix_socket(socket_), req, 5s);
    return json::parse(r.body, nullptr, false);
  }

 private:
  std::string socket_, http_, error_;
  std::unique_ptr<test_support::ChildProcess> child_;
};

std::string build_dir() {
  const char* bin = std::getenv("REG_BIN_DIR");
  return fs::path(bin ? bin : "bin").parent_path().string();
}

}  // namespace

TEST(RegistratorImage, BuiltByARealEngineItRegistersAndDeregistersThatEnginesContainers) {
  regtest::EngineInNetns engine("regimg");
  ASSERT_TRUE(engine.error().empty()) << engine.error();
  ConsulInNetns consul(engine);
  ASSERT_TRUE(consul.error().empty()) << consul.error();

  // Built the way a user builds it.
  const std::string source = REG_SOURCE_DIR;
  const auto built = test_support::run_shell("DOCKER_HOST=unix://" + engine.socket() + " DOCKER=" +
                                                 regtest::EngineInNetns::cli_path() + " " + source +
                                                 "/ci/image/build-registrator-image " + build_dir() + " " + kTag,
                                             {.timeout = 180s});
  ASSERT_EQ(built.exit_code, 0) << built.output;

  // The contract: upstream's entrypoint and DOCKER_HOST default; labels agree with --version.
  const auto inspected = engine.cli(std::string("image inspect ") + kTag);
  ASSERT_EQ(inspected.exit_code, 0) << inspected.output;
  const json image = json::parse(inspected.output).at(0);
  EXPECT_EQ(image["Config"]["Entrypoint"], json::array({"/bin/registrator"}));
  const auto env = image["Config"]["Env"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(env.begin(), env.end(), "DOCKER_HOST=unix:///tmp/docker.sock"), env.end()) << image["Config"].dump();
  const auto host_version = test_support::run({regtest::bin("registrator"), "--version"});
  const auto image_version = engine.cli(std::string("run --rm ") + kTag + " --version");
  ASSERT_EQ(image_version.exit_code, 0) << image_version.output;
  EXPECT_EQ(image_version.output, host_version.output) << "the image runs the binary of this build";
  const std::string version = host_version.output.substr(0, host_version.output.find('\n'));
  const std::string commit_line = host_version.output.substr(host_version.output.find('\n') + 1);
  const std::string commit = commit_line.substr(7, commit_line.find_first_of(" \n", 7) - 7);  // after "commit "
  EXPECT_EQ(image["Config"]["Labels"]["org.opencontainers.image.version"], version);
  EXPECT_EQ(image["Config"]["Labels"]["org.opencontainers.image.revision"], commit);
  EXPECT_EQ(image["Config"]["Labels"]["org.opencontainers.image.title"], "registrator");
  // No shell or curl in the image: the binary probes the endpoint the image's environment turns on.
  EXPECT_EQ(image["Config"]["Healthcheck"]["Test"],
            json::array({"CMD", "/bin/registrator", "-healthcheck", "http://127.0.0.1:8098/health"}))
      << image["Config"].dump();
  EXPECT_NE(std::find(env.begin(), env.end(), "REGISTRATOR_HEALTH_ADDR=127.0.0.1:8098"), env.end()) << image["Config"].dump();
  const auto size = image["Size"].get<std::int64_t>();
  ::testing::Test::RecordProperty("image_size_bytes", std::to_string(size));
  std::cout << "registrator image size: " << size << " bytes (" << size / 1'000'000.0 << " MB)\n";
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  // A sanitizer build's image carries the sanitizer runtime and unoptimised code (60 MB under
  // ASan+UBSan): the size bound is a property of the release image users get.
#else
  EXPECT_LT(size, 20'000'000) << "upstream's image is about 15 MB";
#endif

  // A workload image: busybox-static and the applets it runs.
  const fs::path rootfs = engine.dir() / "tiny-rootfs";
  const auto tiny = test_support::run_shell(
      "mkdir -p " + rootfs.string() + "/bin && cp /bin/busybox " + rootfs.string() +
      "/bin/ && for a in sh sleep; do ln -s busybox " + rootfs.string() + "/bin/$a; done && tar -C " +
      rootfs.string() + " -cf " + engine.dir().string() + "/tiny.tar . && " + engine.docker_env() + " import " +
      engine.dir().string() + "/tiny.tar tiny:1");
  ASSERT_EQ(tiny.exit_code, 0) << tiny.output;

  // Run as upstream's image is run (the image's HEALTHCHECK probed every second instead of 30 s).
  const auto started = engine.cli("run -d --name registrator --net=host --health-interval 1s -v " + engine.socket() +
                                  ":/tmp/docker.sock " + kTag + " -hostname host1 -ip 192.0.2.10 consul://" +
                                  consul.http_address());
  ASSERT_EQ(started.exit_code, 0) << started.output;
  auto registrator_log = [&] { return engine.cli("logs registrator").output; };
  ASSERT_TRUE(regtest::eventually([&] { return registrator_log().find("Listening for Docker events") != std::string::npos; }, 30s))
      << registrator_log();
  std::string health;
  EXPECT_TRUE(regtest::eventually([&] {
    health = engine.cli("inspect --format '{{.State.Health.Status}}' registrator").output;
    return health == "healthy\n";
  }, 60s)) << "State.Health.Status: " << health << "\n"
           << engine.cli("inspect --format '{{json .State.Health}}' registrator").output;

  const auto web = engine.cli(
      "run -d --name web -e SERVICE_NAME=web -p 8080:80 tiny:1 /bin/sh -c 'trap \"exit 143\" TERM; sleep 1000 & wait'");
  ASSERT_EQ(web.exit_code, 0) << web.output;
  json entries;
  ASSERT_TRUE(regtest::eventually([&] {
    entries = consul.catalog_service("web");
    return entries.is_array() && entries.size() == 1;
  }, 30s)) << entries.dump() << "\n" << registrator_log();
  EXPECT_EQ(entries[0]["ServiceID"], "host1:web:80");
  EXPECT_EQ(entries[0]["ServiceAddress"], "192.0.2.10");
  EXPECT_EQ(entries[0]["ServicePort"], 8080);

  ASSERT_EQ(engine.cli("stop -t 5 web").exit_code, 0);
  EXPECT_TRUE(regtest::eventually([&] {
    entries = consul.catalog_service("web");
    return entries.is_array() && entries.empty();
  }, 30s)) << entries.dump() << "\n" << registrator_log();
  const std::string log = registrator_log();
  EXPECT_NE(log.find("added: "), std::string::npos) << log;
  EXPECT_NE(log.find("removed: "), std::string::npos) << log;
}
