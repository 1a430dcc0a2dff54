// /_ping, /version, /info, /system/df, /events, /images, /networks (and their prune).
#include "fakes/docker/api/docker_api.hpp"
#include "fakes/docker/engine/docker_error.hpp"
#include "fakes/docker/api/network_request.hpp"
#include "fakes/docker/api/responses.hpp"
#include "fakes/docker/filters/network_filter.hpp"

#include <set>

namespace fakes::docker {

using verb = http::bhttp::verb;

bool DockerApi::route_system(const Call& call) {
  const auto& s = call.segments;
  if (s.size() == 2 && s[0] == "system" && s[1] == "df" && call.method == verb::get) {
    std::set<std::string> types;
    for (auto [it, end] = call.target.query.equal_range("type"); it != end; ++it) {
      if (it->second != "container" && it->second != "image" && it->second != "volume" && it->second != "build-cache")
        throw bad_parameter("invalid type: " + it->second);
      // `type` came with API 1.42; an older client cannot ask for it.
      if (call.version < ApiVersion{1, 42}) throw bad_parameter("the type parameter needs API 1.42 or later");
      types.insert(it->second);
    }
    if (call.target.has("verbose"))
      throw bad_parameter("fake-docker does not implement /system/df?verbose (API 1.52)");
    respond_json(call, http::Status::ok, disk_usage_json(engine_, call.version, types));
    return true;
  }
  if (s.size() != 1) return false;
  if (s[0] == "_ping" && (call.method == verb::get || call.method == verb::head)) {
    const bool head = call.method == verb::head;
    auto res = http::make_response(http::Status::ok, head ? "" : "OK", "text/plain; charset=utf-8");
    add_engine_headers(res, server_);
    res.set("Builder-Version", "2");
    res.set("Swarm", "inactive");
    res.set("Cache-Control", "no-cache, no-store, must-revalidate");
    res.set("Pragma", "no-cache");
    call.ex->respond(std::move(res));
    return true;
  }
  if (s[0] == "version" && call.method == verb::get) {
    respond_json(call, http::Status::ok, version_json(server_));
    return true;
  }
  if (s[0] == "info" && call.method == verb::get) {
    respond_json(call, http::Status::ok, info_json(server_, engine_));
    return true;
  }
  if (s[0] == "events" && call.method == verb::get) {
    streams_.open(call.ex, call.version, call.target, server_);
    return true;
  }
  return false;
}

bool DockerApi::route_images(const Call& call) {
  const auto& s = call.segments;
  if (s.empty() || s[0] != "images") return false;
  if (s.size() == 2 && s[1] == "json" && call.method == verb::get) {
    Json list = Json::array();
    for (const auto& image : engine_.images().list()) list.push_back(image_summary_json(image, call.version));
    respond_json(call, http::Status::ok, list);
    return true;
  }
  if (s.size() == 2 && s[1] == "create" && call.method == verb::post) {
    // Every image is "already pulled": answer the progress stream a pull of a present image gives.
    const std::string image = call.target.get("fromImage") + ":" + call.target.get("tag", "latest");
    engine_.pull(image);
    auto res = http::make_response(http::Status::ok,
                                   Json{{"status", "Pulling from " + call.target.get("fromImage")}}.dump() + "\n" +
                                       Json{{"status", "Status: Image is up to date for " + image}}.dump() + "\n",
                                   "application/json");
    add_engine_headers(res, server_);
    call.ex->respond(std::move(res));
    return true;
  }
  // /images/{name}/json where the name may itself contain '/' (library/nginx:1.25).
  if (s.size() >= 3 && s.back() == "json" && call.method == verb::get) {
    std::string name;
    for (std::size_t i = 1; i + 1 < s.size(); ++i) name += (i > 1 ? "/" : "") + s[i];
    // Listed (or pulled) images and images some container runs exist, by reference or by ID
    // (full, without "sha256:", or a prefix of 12 or more digits, as the engine takes them);
    // any other name is unknown here (create would still accept it as an already pulled image).
    std::vector<Image> known = engine_.images().list();
    for (const Container* c : engine_.list({true, -1, {}})) known.push_back(engine_.images().resolve(c->config.image));
    const std::string wanted = normalize_image_reference(name);
    const std::string digits = name.starts_with("sha256:") ? name.substr(7) : name;
    const Image* found = nullptr;
    for (const auto& image : known)
      if (normalize_image_reference(image.name) == wanted ||
          (digits.size() >= 12 && image.id.compare(7, digits.size(), digits) == 0 && image.id.size() >= 7 + digits.size()))
        found = &image;
    if (!found) throw DockerError(404, "No such image: " + (name.starts_with("sha256:") ? name : wanted));
    respond_json(call, http::Status::ok, image_inspect_json(engine_.images().resolve(found->name), call.version));
    return true;
  }
  return false;
}

bool DockerApi::route_networks(const Call& call) {
  const auto& s = call.segments;
  if (s.empty() || s[0] != "networks") return false;
  if (s.size() == 1 && call.method == verb::get) {
    const FilterArgs filters = parse_filter_args(call.target.get("filters"));
    validate_network_filters(filters);
    Json list = Json::array();
    for (const Network* n : engine_.networks())
      if (network_matches(*n, filters, engine_.network_in_use(n->id)))
        list.push_back(network_json(*n, engine_, false, call.version));
    respond_json(call, http::Status::ok, list);
    return true;
  }
  if (s.size() == 2 && s[1] == "create" && call.method == verb::post) {
    const auto spec = parse_network_create(call.ex->request().body());
    const Network& n = engine_.create_network(spec.name, spec.driver, spec.labels, spec.ipam_options);
    respond_json(call, http::Status::created, Json{{"Id", n.id}, {"Warning", ""}});
    return true;
  }
  if (s.size() == 2 && s[1] == "prune" && call.method == verb::post) {
    const auto removed = engine_.prune_networks(parse_filter_args(call.target.get("filters")));
    respond_json(call, http::Status::ok, Json{{"NetworksDeleted", removed.empty() ? Json(nullptr) : Json(removed)}});
    return true;
  }
  if (s.size() == 2 && call.method == verb::get) {
    respond_json(call, http::Status::ok, network_json(engine_.get_network(s[1]), engine_, true, call.version));
    return true;
  }
  if (s.size() == 2 && call.method == verb::delete_) {
    engine_.remove_network(s[1]);
    respond_empty(call, http::Status::no_content);
    return true;
  }
  if (s.size() == 3 && call.method == verb::post && (s[2] == "connect" || s[2] == "disconnect")) {
    if (s[2] == "connect") {
      const auto spec = parse_network_connect(call.ex->request().body());
      engine_.connect(s[1], spec.container, spec.endpoint);
    } else {
      engine_.disconnect(s[1], parse_network_container(call.ex->request().body()));
    }
    respond_empty(call, http::Status::ok);
    return true;
  }
  return false;
}

}  // namespace fakes::docker
