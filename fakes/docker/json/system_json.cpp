#include "fakes/docker/engine/bridge_ipam.hpp"
#include "fakes/docker/engine/clock.hpp"
#include "fakes/docker/json/json_views.hpp"

#include <algorithm>
#include <set>

namespace fakes::docker {

Json event_json(const Event& e, ApiVersion version) {
  Json j = Json::object();
  // Below 1.52 the engine back-fills the pre-1.22 fields for container and image events.
  if (version < ApiVersion{1, 52} && (e.type == "container" || e.type == "image")) {
    // Go's omitempty: a prune event (no actor) has a status only.
    j["status"] = e.action;
    if (!e.actor_id.empty()) j["id"] = e.actor_id;
    if (e.type == "container") {
      auto it = e.attributes.find("image");
      if (it != e.attributes.end() && !it->second.empty()) j["from"] = it->second;
    }
  }
  Json attributes = Json::object();
  for (const auto& [k, v] : e.attributes) {
    // die's execDuration came with Docker 23 (API 1.42); dockerd 20.10 sends none.
    if (k == "execDuration" && version < ApiVersion{1, 42}) continue;
    attributes[k] = v;
  }
  j["Type"] = e.type;
  j["Action"] = e.action;
  j["Actor"] = {{"ID", e.actor_id}, {"Attributes", attributes}};
  j["scope"] = e.scope;
  j["time"] = e.time_nano / 1'000'000'000;
  j["timeNano"] = e.time_nano;
  return j;
}

namespace {
Json image_config_json(const ImageConfig& config) {
  Json exposed = Json::object();
  for (const auto& p : config.exposed_ports) exposed[p] = Json::object();
  Json labels = Json::object();
  for (const auto& [k, v] : config.labels) labels[k] = v;
  Json j = Json::object();
  if (!config.exposed_ports.empty()) j["ExposedPorts"] = exposed;
  j["Env"] = config.env;
  j["Cmd"] = config.cmd.empty() ? Json(nullptr) : Json(config.cmd);
  j["Entrypoint"] = config.entrypoint.empty() ? Json(nullptr) : Json(config.entrypoint);
  j["Labels"] = labels;
  return j;
}

std::string repo_tag(const Image& image) { return normalize_image_reference(image.name); }
}  // namespace

Json image_summary_json(const Image& image, ApiVersion version) {
  Json labels = Json::object();
  for (const auto& [k, v] : image.config.labels) labels[k] = v;
  Json j{{"Id", image.id},         {"ParentId", ""},       {"RepoTags", {repo_tag(image)}},
         {"RepoDigests", Json::array()}, {"Created", image.created_unix}, {"Size", 0},
         {"SharedSize", -1}};
  if (version < ApiVersion{1, 44}) j["VirtualSize"] = 0;  // omitted from API 1.44 on
  j["Labels"] = labels;
  j["Containers"] = -1;
  return j;
}

Json image_inspect_json(const Image& image, ApiVersion version) {
  Json j{{"Id", image.id}, {"RepoTags", {repo_tag(image)}}, {"RepoDigests", Json::array()}};
  // From API 1.52 empty Parent and Comment are omitted.
  if (version < ApiVersion{1, 52}) {
    j["Parent"] = "";
    j["Comment"] = "";
  }
  j["Created"] = format_rfc3339_nano(image.created_unix * 1'000'000'000);
  j["Config"] = image_config_json(image.config);
  j["Architecture"] = "amd64";
  j["Os"] = "linux";
  j["Size"] = 0;
  if (version < ApiVersion{1, 44}) j["VirtualSize"] = 0;
  j["RootFS"] = {{"Type", "layers"}, {"Layers", Json::array()}};
  return j;
}

Json network_json(const Network& n, const Engine& engine, bool with_containers, ApiVersion version) {
  Json ipam_config = Json::array();
  if (n.ipam) ipam_config.push_back({{"Subnet", n.ipam->subnet()}, {"Gateway", n.ipam->gateway()}});
  Json containers = Json::object();
  if (with_containers) {
    for (const Container* c : engine.list({true, -1, {}})) {
      auto add = [&](const Endpoint& e) {
        if (e.network_id != n.id || e.ip.empty()) return;
        containers[c->id] = {{"Name", c->name},
                             {"EndpointID", e.endpoint_id},
                             {"MacAddress", e.mac},
                             {"IPv4Address", e.ip + "/" + std::to_string(e.prefix_len)},
                             {"IPv6Address", ""}};
      };
      add(c->endpoint);
      for (const auto& e : c->connected) add(e);
    }
  }
  Json labels = Json::object();
  for (const auto& [k, v] : n.labels) labels[k] = v;
  Json j{{"Name", n.name},
         {"Id", n.id},
         // The predefined networks exist since the daemon's first start: a fixed date.
         {"Created", n.predefined ? std::string("2024-01-01T00:00:00Z") : format_rfc3339_nano(n.created)},
         {"Scope", "local"},
         {"Driver", n.driver}};
  if (version >= ApiVersion{1, 47}) j["EnableIPv4"] = true;  // not in the 1.41 definition
  j["EnableIPv6"] = false;
  j["IPAM"] = {{"Driver", "default"}, {"Options", n.predefined || !n.ipam_options ? Json(nullptr) : Json::object()}, {"Config", ipam_config}};
  j["Internal"] = false;
  j["Attachable"] = false;
  j["Ingress"] = false;
  j["ConfigFrom"] = {{"Network", ""}};
  j["ConfigOnly"] = false;
  j["Containers"] = containers;
  j["Options"] = Json::object();
  j["Labels"] = labels;
  return j;
}

Json disk_usage_json(const Engine& engine, ApiVersion version, const std::set<std::string>& types) {
  auto wanted = [&](const char* type) { return types.empty() || types.count(type) != 0; };
  const auto containers = engine.list({true, -1, {}});
  const auto images = engine.images().list();
  Json j = Json::object();
  // A fake has no layers, volumes or build cache: sizes are 0 and those lists empty.
  Json image_list = Json::array();
  std::size_t images_in_use = 0;
  for (const auto& image : images) {
    Json summary = image_summary_json(image, version);
    // Here, unlike /images/json, the engine counts the containers using each image.
    const auto users = std::count_if(containers.begin(), containers.end(), [&](const Container* c) {
      return normalize_image_reference(c->config.image) == image.name;
    });
    summary["Containers"] = users;
    images_in_use += users > 0 ? 1 : 0;
    image_list.push_back(std::move(summary));
  }
  Json container_list = Json::array();
  std::size_t running = 0;
  for (const Container* c : containers) {
    container_list.push_back(container_summary_json(*c, engine.now(), true, version));
    running += c->state.running ? 1 : 0;
  }
  if (wanted("image")) {
    j["LayersSize"] = 0;
    j["Images"] = image_list;
  }
  if (wanted("container")) j["Containers"] = container_list;
  if (wanted("volume")) j["Volumes"] = Json::array();
  if (wanted("build-cache")) j["BuildCache"] = Json::array();
  if (version >= ApiVersion{1, 52}) {
    // From 1.52 the per-type summaries, next to the legacy lists until 1.53.
    auto usage = [](std::size_t active, std::size_t total) {
      return Json{{"ActiveCount", active}, {"TotalCount", total}, {"Reclaimable", 0}, {"TotalSize", 0}};
    };
    if (wanted("image")) j["ImageUsage"] = usage(images_in_use, images.size());
    if (wanted("container")) j["ContainerUsage"] = usage(running, containers.size());
    if (wanted("volume")) j["VolumeUsage"] = usage(0, 0);
    if (wanted("build-cache")) j["BuildCacheUsage"] = usage(0, 0);
  }
  return j;
}

Json version_json(const ServerIdentity& server) {
  const std::string api = server.max_version.to_string(), min = server.min_version.to_string();
  return Json{{"Platform", {{"Name", "fake-docker"}}},
              {"Components",
               {{{"Name", "Engine"},
                 {"Version", server.release},
                 {"Details",
                  {{"ApiVersion", api},
                   {"Arch", "amd64"},
                   {"BuildTime", "2024-01-01T00:00:00.000000000+00:00"},
                   {"Experimental", "false"},
                   {"GitCommit", "fake"},
                   {"GoVersion", "go1.22.0"},
                   {"KernelVersion", "6.1.0-fake"},
                   {"MinAPIVersion", min},
                   {"Os", "linux"}}}}}},
              {"Version", server.release},
              {"ApiVersion", api},
              {"MinAPIVersion", min},
              {"GitCommit", "fake"},
              {"GoVersion", "go1.22.0"},
              {"Os", "linux"},
              {"Arch", "amd64"},
              {"KernelVersion", "6.1.0-fake"},
              {"BuildTime", "2024-01-01T00:00:00.000000000+00:00"}};
}

Json info_json(const ServerIdentity& server, const Engine& engine) {
  std::size_t running = 0, paused = 0, stopped = 0;
  for (const Container* c : engine.list({true, -1, {}})) {
    if (c->state.paused)
      ++paused;
    else if (c->state.running)
      ++running;
    else
      ++stopped;
  }
  return Json{{"ID", "FAKE:DOCKER:0000"},
              {"Containers", engine.container_count()},
              {"ContainersRunning", running},
              {"ContainersPaused", paused},
              {"ContainersStopped", stopped},
              {"Images", engine.images().list().size()},
              {"Driver", "overlay2"},
              {"DockerRootDir", "/var/lib/docker"},
              {"Name", "fake-docker"},
              {"ServerVersion", server.release},
              {"OperatingSystem", "fake-docker"},
              {"OSType", "linux"},
              {"Architecture", "x86_64"},
              {"KernelVersion", "6.1.0-fake"},
              {"NCPU", 2},
              {"MemTotal", 4294967296LL},
              {"ExperimentalBuild", false},
              {"Labels", Json::array()},
              {"Swarm", {{"NodeID", ""}, {"NodeAddr", ""}, {"LocalNodeState", "inactive"}, {"ControlAvailable", false}}}};
}

}  // namespace fakes::docker
