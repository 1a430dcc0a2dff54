// Compose files resolved as docker-compose 1.29.2 resolves them for `up`, and every refusal,
// each naming the file, the line, the service and the key.
#include "scenarios/regsim/language/compose/compose_file.hpp"
#include "tests/scenarios/regsim/language/compose/mutated_text.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <random>

namespace regsim::compose {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::filesystem::path kFile = "/srv/app/docker-compose.yml";

ComposeProject resolve_text(const std::string& text, const std::string& project = "p") {
  return resolve_compose_text(text, kFile, project);
}

std::string compose_error_of(const std::string& text, const std::string& project = "p") {
  try {
    resolve_text(text, project);
  } catch (const ComposeError& e) {
    return e.what();
  }
  return "(no error)";
}

const ComposeContainer& named(const ComposeProject& p, const std::string& name) {
  static const ComposeContainer none;
  auto it = std::find_if(p.containers.begin(), p.containers.end(), [&](const auto& c) { return c.name == name; });
  EXPECT_NE(it, p.containers.end()) << name;
  return it == p.containers.end() ? none : *it;
}

TEST(ComposeFile, ResolvesServicesAsComposeV1) {
  const auto p = resolve_text(R"(version: "3.7"
services:
  web5:
    image: test
    environment:
      SERVICE_NAME: valami
      PORT: 80
    labels:
      - type=frontend
    ports:
      - "7679:80"
      - 127.0.0.1:9000:90/udp
      - 443
    expose: ["8080", 53/udp]
  api:
    image: test
    command: sh -c 'echo "a b"' x\ y
    networks:
      default:
      back:
        aliases: [api-back]
  worker:
    image: test
    command: ["sleep", 1000]
    deploy:
      replicas: 2
    networks: [back]
networks:
  back:
    labels: {tier: back}
)");
  EXPECT_EQ(p.name, "p");
  std::vector<std::string> names;
  for (const auto& c : p.containers) names.push_back(c.name);
  EXPECT_THAT(names, ElementsAre("p_web5_1", "p_api_1", "p_worker_1", "p_worker_2"));

  const auto& web = named(p, "p_web5_1");
  EXPECT_EQ(web.image, "test");
  EXPECT_THAT(web.env, ElementsAre("SERVICE_NAME=valami", "PORT=80"));
  EXPECT_EQ(web.labels.at("type"), "frontend");
  EXPECT_EQ(web.labels.at("com.docker.compose.project"), "p");
  EXPECT_EQ(web.labels.at("com.docker.compose.service"), "web5");
  EXPECT_EQ(web.labels.at("com.docker.compose.container-number"), "1");
  EXPECT_EQ(web.labels.at("com.docker.compose.oneoff"), "False");
  EXPECT_EQ(web.labels.at("com.docker.compose.version"), "1.29.2");
  EXPECT_EQ(web.labels.at("com.docker.compose.project.working_dir"), "/srv/app");
  EXPECT_EQ(web.labels.at("com.docker.compose.project.config_files"), "/srv/app/docker-compose.yml");
  ASSERT_EQ(web.publish.size(), 3u);
  EXPECT_EQ(web.publish[0].host_port, "7679");
  EXPECT_EQ(web.publish[0].port_key(), "80/tcp");
  EXPECT_EQ(web.publish[1].host_ip, "127.0.0.1");
  EXPECT_EQ(web.publish[1].port_key(), "90/udp");
  EXPECT_EQ(web.publish[2].host_port, "") << "443 alone: Docker picks the host port";
  EXPECT_THAT(web.expose, ElementsAre("8080/tcp", "53/udp"));
  EXPECT_FALSE(web.command.has_value());
  ASSERT_EQ(web.networks.size(), 1u);
  EXPECT_EQ(web.networks[0].network, "p_default");
  EXPECT_THAT(web.networks[0].aliases, ElementsAre("web5"));

  const auto& api = named(p, "p_api_1");
  ASSERT_TRUE(api.command.has_value());
  EXPECT_THAT(*api.command, ElementsAre("sh", "-c", "echo \"a b\"", "x y")) << "split as shlex.split does";
  ASSERT_EQ(api.networks.size(), 2u);
  EXPECT_EQ(api.networks[0].network, "p_back") << "created on the first network by name, as Compose sorts them";
  EXPECT_THAT(api.networks[0].aliases, ElementsAre("api", "api-back"));
  EXPECT_EQ(api.networks[1].network, "p_default");

  const auto& w2 = named(p, "p_worker_2");
  EXPECT_EQ(w2.labels.at("com.docker.compose.container-number"), "2");
  EXPECT_THAT(*w2.command, ElementsAre("sleep", "1000"));

  // The networks the services use, in the order Compose meets them, with its labels.
  ASSERT_EQ(p.networks.size(), 2u);
  EXPECT_EQ(p.networks[0].name, "p_default");
  EXPECT_EQ(p.networks[1].name, "p_back");
  EXPECT_EQ(p.networks[1].labels.at("tier"), "back");
  EXPECT_EQ(p.networks[1].labels.at("com.docker.compose.network"), "back");
  EXPECT_EQ(p.networks[1].labels.at("com.docker.compose.project"), "p");
}

TEST(ComposeFile, ScaleContainerNameExternalNetworksAndDollars) {
  const auto p = resolve_text(R"(services:
  one:
    image: "test"
    container_name: the-one
    environment: ["PRICE=$$5"]
    networks: [outside]
  many:
    image: test
    scale: 3
    healthcheck:
      disable: true
  none:
    image: test
    scale: 0
networks:
  outside:
    external: true
  unused: {}
)", "my-app_2");
  std::vector<std::string> names;
  for (const auto& c : p.containers) names.push_back(c.name);
  EXPECT_THAT(names, ElementsAre("the-one", "my-app_2_many_1", "my-app_2_many_2", "my-app_2_many_3"));
  EXPECT_THAT(named(p, "the-one").env, ElementsAre("PRICE=$5"));
  EXPECT_EQ(named(p, "the-one").networks[0].network, "outside") << "an external network keeps its own name";
  ASSERT_EQ(p.networks.size(), 2u) << "unused networks are not created";
  EXPECT_TRUE(p.networks[0].external);
  EXPECT_EQ(p.networks[1].name, "my-app_2_default");
}

// Compose v1's order (sort_service_dicts): dependencies first, otherwise the file's order.
TEST(ComposeFile, DependsOnOrdersCreationAsComposeDoes) {
  const auto p = resolve_text(R"(services:
  web:
    image: test
    depends_on: [api, cache]
  api:
    image: test
    depends_on:
      db: {condition: service_started}
  cache:
    image: test
  db:
    image: test
  other:
    image: test
)");
  std::vector<std::string> names;
  for (const auto& c : p.containers) names.push_back(c.service);
  EXPECT_THAT(names, ElementsAre("cache", "db", "api", "web", "other")) << "what compose.config.sort_services gives";
  EXPECT_EQ(compose_error_of("services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [a]\n"),
            "/srv/app/docker-compose.yml:7: services.b.depends_on: a dependency cycle through \"b\"");
  EXPECT_EQ(compose_error_of("services:\n  a:\n    image: x\n    depends_on: [nope]\n"),
            "/srv/app/docker-compose.yml:4: services.a.depends_on: names the undefined service \"nope\"");
  EXPECT_EQ(compose_error_of("services:\n  a:\n    image: x\n    depends_on:\n      b:\n        condition: service_healthy\n"
                             "  b:\n    image: x\n"),
            "/srv/app/docker-compose.yml:6: services.a.depends_on.b.condition: only {condition: service_started} is "
            "modelled (no process in a fake container becomes healthy or exits by itself), got "
            "{\"condition\":\"service_healthy\"}");
}

TEST(ComposeFile, DefaultProjectIsTheFoldersNameNormalized) {
  const auto p = resolve_compose_text("services:\n  web:\n    image: test\n", "/tmp/My App.v2/compose.yml", "");
  EXPECT_EQ(p.name, "myappv2");
  EXPECT_EQ(p.containers.at(0).name, "myappv2_web_1");
  EXPECT_EQ(normalize_project_name("Hello World-1_x"), "helloworld-1_x");
}

TEST(ComposeFile, RefusesWhatFakeDockerDoesNotModelNamingFileLineServiceAndKey) {
  EXPECT_EQ(compose_error_of("services:\n  web:\n    build: .\n"),
            "/srv/app/docker-compose.yml:3: services.web.build: fake-docker has no image builder: give the service an image instead");
  EXPECT_EQ(compose_error_of("services:\n  web:\n    image: test\n    volumes:\n      - ./data:/data\n"),
            "/srv/app/docker-compose.yml:5: services.web.volumes[0]: mounts the host path \"./data\" (fake-docker has no "
            "volumes, so regsim refuses every volume)");
  EXPECT_EQ(compose_error_of("services:\n  web:\n    image: test\n    volumes: [\"/srv:/srv\"]\n"),
            "/srv/app/docker-compose.yml:4: services.web.volumes[0]: mounts the host path \"/srv\" (fake-docker has no "
            "volumes, so regsim refuses every volume)");
  EXPECT_EQ(compose_error_of("services:\n  web:\n    image: test\n    volumes:\n      - data:/data\n"),
            "/srv/app/docker-compose.yml:5: services.web.volumes[0]: \"data:/data\": fake-docker has no volumes, so regsim "
            "refuses every volume, named volumes included");
  EXPECT_EQ(compose_error_of("services:\n  web:\n    image: test\nvolumes:\n  data: {}\n"),
            "/srv/app/docker-compose.yml:5: volumes.data: fake-docker has no volumes, so regsim refuses every volume, "
            "named volumes included");
  EXPECT_EQ(compose_error_of("services:\n  web:\n    image: test\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n"),
            "/srv/app/docker-compose.yml:5: services.web.healthcheck.test: a health check command needs a process to run "
            "it, and fake-docker runs none");
  EXPECT_EQ(compose_error_of("services:\n  web:\n    image: test\n    restart: always\n"),
            "/srv/app/docker-compose.yml:4: services.web.restart: regsim does not model \"restart\" (supported: image, "
            "command, environment, labels, ports, expose, networks (aliases), scale, deploy.replicas, container_name, "
            "depends_on, healthcheck.disable)");
  EXPECT_EQ(compose_error_of("services:\n  web:\n    image: test\nsecrets: {}\n"),
            "/srv/app/docker-compose.yml:4: secrets: regsim does not model the top-level \"secrets\" (supported: "
            "version, services, networks)");
  EXPECT_EQ(compose_error_of("services:\n  web:\n    image: test\n    deploy:\n      replicas: 2\n      resources: {}\n"),
            "/srv/app/docker-compose.yml:6: services.web.deploy.resources: regsim does not model \"deploy.resources\" "
            "(only deploy.replicas)");
  EXPECT_EQ(compose_error_of("services:\n  web:\n    image: test\n    networks:\n      front:\n        ipv4_address: 1.2.3.4\n"),
            "/srv/app/docker-compose.yml:6: services.web.networks.front.ipv4_address: regsim does not model "
            "\"ipv4_address\" on a service's network (only aliases)");
}

TEST(ComposeFile, RefusesMalformedValuesNamingWhere) {
  EXPECT_EQ(compose_error_of("services:\n  web:\n    image: test\n    environment:\n      - TOKEN\n"),
            "/srv/app/docker-compose.yml:5: services.web.environment[0]: \"TOKEN\" has no value (docker-compose would "
            "take it from its own environment): give it one");
  EXPECT_EQ(compose_error_of("services:\n  web:\n    image: test\n    environment:\n      DEBUG: yes\n"),
            "/srv/app/docker-compose.yml:5: services.web.environment.DEBUG: the value is the boolean true (YAML reads "
            "yes/no/true/false/on/off so): quote it");
  EXPECT_EQ(compose_error_of("services:\n  web:\n    image: \"${IMAGE}\"\n"),
            "/srv/app/docker-compose.yml:3: services.web.image: variable substitution (\"${IMAGE}\") is not supported: "
            "write the value, or $$ for a $");
  EXPECT_EQ(compose_error_of("services:\n  web:\n    image: test\n    networks: [back]\n"),
            "/srv/app/docker-compose.yml:4: services.web.networks: uses the undeclared network \"back\" (declare it "
            "under the top-level networks:)");
  EXPECT_EQ(compose_error_of("services:\n  web:\n    image: test\n    scale: 2\n    deploy: {replicas: 3}\n"),
            "/srv/app/docker-compose.yml:2: services.web: both scale and deploy.replicas are set (docker-compose "
            "refuses that too)");
  EXPECT_EQ(compose_error_of("services:\n  web:\n    image: test\n    ports:\n      - \"8000-8001:80-81\"\n"),
            "/srv/app/docker-compose.yml:5: services.web.ports[0]: port ranges (\"8000-8001:80-81\") are not supported: "
            "one port per item");
  EXPECT_EQ(compose_error_of("services:\n  web:\n    image: test\n    ports:\n      - target: 80\n"),
            "/srv/app/docker-compose.yml:5: services.web.ports[0]: the long port syntax (target:, published:) is not "
            "supported: write \"8080:80\"");
  EXPECT_EQ(compose_error_of("services:\n  web:\n    command: x\n"),
            "/srv/app/docker-compose.yml:2: services.web: the service has no image (a string)");
  EXPECT_EQ(compose_error_of("services:\n  web:\n    image: test\n    command: \"sh -c 'x\"\n"),
            "/srv/app/docker-compose.yml:4: services.web.command: the command has an unclosed ' quote");
  EXPECT_EQ(compose_error_of("version: 3\nservices:\n  web:\n    image: test\n"),
            "/srv/app/docker-compose.yml:1: version: expected \"2.x\" or \"3.x\" (a quoted string), got 3");
  EXPECT_EQ(compose_error_of("just text\n"), "/srv/app/docker-compose.yml: expected a mapping with a services: section, got \"just text\"");
  EXPECT_EQ(compose_error_of("services:\n  web:\n    image: test\n    ports:\n      - 22:22\n"),
            "/srv/app/docker-compose.yml:5: unquoted 22:22 is a base-60 number in YAML 1.1 (docker-compose reads it as "
            "an integer): write \"22:22\"");
  EXPECT_EQ(compose_error_of("services:\n  web:\n    image: test\n", "My_App"),
            "/srv/app/docker-compose.yml: project \"My_App\": Compose would call it \"my_app\"; write a name of "
            "lowercase letters, digits, '-' and '_'");
}

TEST(ComposeFile, UnreadableFileIsNamed) {
  try {
    load_compose_file("/nonexistent/dir/compose.yml", "p");
    FAIL() << "no error";
  } catch (const ComposeError& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/dir/compose.yml: cannot read the compose file");
  }
}

// Seeded mutations of a compose file through the whole resolution: each is resolved or refused
// with a ComposeError; no other exception (a JSON type error, say) escapes.
TEST(ComposeFile, MutatedFilesAreResolvedOrRefusedNeverCrash) {
  const std::string seed = R"(version: "3.7"
services:
  web5:
    image: test
    command: sh -c 'sleep 1'
    environment: {SERVICE_NAME: valami, N: 1}
    labels: [type=frontend]
    ports: ["7679:80", "443", 127.0.0.1:53:53/udp]
    expose: [8080]
    scale: 2
    networks:
      back: {aliases: [jobs]}
      default:
    healthcheck: {disable: true}
networks:
  back: {labels: {tier: back}, name: shared, external: false}
)";
  const char* runs_env = std::getenv("REG_FUZZ_RUNS");
  const int runs = runs_env ? std::atoi(runs_env) : 10000;
  const std::string alphabet = " \n-:#'\"[]{},&*$=/._0aZ9";
  std::mt19937 rng(1829);
  int resolved = 0;
  for (int i = 0; i < runs; ++i) {
    std::string text = regsim::test::mutated(seed, rng, alphabet);
    try {
      resolve_compose_text(text, kFile, "p");
      ++resolved;
    } catch (const ComposeError&) {
    }
  }
  EXPECT_GT(resolved, 0) << "some mutations still resolve";
}

}  // namespace
}  // namespace regsim::compose
