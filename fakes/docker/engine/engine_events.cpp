// Engine, events: the attributes a real dockerd puts on container and network events. Every
// event marks the container changed, so its cached JSON views are rebuilt.
#include "fakes/docker/engine/engine.hpp"

namespace fakes::docker {

void Engine::emit_container(const Container& c, const std::string& action, std::map<std::string, std::string> extra) {
  ++c.revision;
  // Order of precedence as in the engine: extra attributes, then labels, then image and name.
  for (const auto& [k, v] : c.config.labels) extra[k] = v;
  if (!c.config.image.empty()) extra["image"] = c.config.image;
  extra["name"] = c.name;
  events_.append(Event{"container", action, c.id, std::move(extra), "local", now()});
}

void Engine::emit_network(const Container& c, const Endpoint& e, const std::string& action) {
  ++c.revision;
  events_.append(Event{"network", action, e.network_id, {{"container", c.id}, {"name", e.network}, {"type", e.driver}},
                       "local", now()});
}

}  // namespace fakes::docker
