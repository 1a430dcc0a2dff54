// /v1/event/fire/:name (PUT; ?node=, ?service=, ?tag= filters as regular expressions, the body
// as payload) and /v1/event/list (GET; ?name=, blocking on the last event's ID) as Consul's
// agent answers them (agent/event_endpoint.go, user_event.go): an event reaches the agents
// whose node name matches the node filter and which run a service matching the service (and
// tag) filter; each agent lists what it received.
#include "fakes/consul/endpoints/api_call.hpp"

#include "registrator/encoding/base64.hpp"

#include <regex>

namespace fakes::consul {

namespace {

using fakes::http::bhttp::verb;
using nlohmann::json;

// Serf's UserEventSizeLimit default: name ("consul:event:" + Name) plus the encoded event.
constexpr std::size_t kUserEventSizeLimit = 512;

json event_json(const UserEvent& e) {
  return {{"ID", e.id},
          {"Name", e.name},
          {"Payload", e.payload ? json(registrator::base64_encode(*e.payload)) : json(nullptr)},
          {"NodeFilter", e.node_filter},
          {"ServiceFilter", e.service_filter},
          {"TagFilter", e.tag_filter},
          {"Version", e.version},
          {"LTime", e.ltime}};
}

// Go's regexp/syntax error for the mistakes people make ("error parsing regexp: missing
// closing ): `(`"); std::regex names them by code only.
std::string go_regexp_error(const std::string& pattern, const std::regex_error& e) {
  switch (e.code()) {
    case std::regex_constants::error_paren: {
      int depth = 0;
      for (char c : pattern) depth += c == '(' ? 1 : c == ')' ? -1 : 0;
      return "error parsing regexp: " + std::string(depth > 0 ? "missing closing )" : "unexpected )") + ": `" +
             pattern + "`";
    }
    case std::regex_constants::error_brack:
      return "error parsing regexp: missing closing ]: `" + pattern.substr(pattern.rfind('[')) + "`";
    case std::regex_constants::error_badrepeat:
      return "error parsing regexp: missing argument to repetition operator: `" + pattern.substr(0, 1) + "`";
    default:
      return "error parsing regexp: invalid regular expression: `" + pattern + "`";
  }
}

// msgpack sizes of the pieces of the encoded event (go-codec: str for strings, bin for bytes).
std::size_t str_size(std::size_t n) { return n + (n <= 31 ? 1 : n <= 255 ? 2 : n <= 65535 ? 3 : 5); }
std::size_t bin_size(std::size_t n) { return n + (n <= 255 ? 2 : n <= 65535 ? 3 : 5); }

// What Serf measures against its limit: the gossip name and the msgpack-encoded UserEvent
// (ID, n, p, nf, sf, tf omitted when empty, v).
std::size_t gossip_size(const UserEvent& e) {
  std::size_t encoded = 1 + str_size(2) + str_size(36) + str_size(1) + str_size(e.name.size()) + str_size(1) + 1;
  if (e.payload && !e.payload->empty()) encoded += str_size(1) + bin_size(e.payload->size());
  for (const std::string* f : {&e.node_filter, &e.service_filter, &e.tag_filter})
    if (!f->empty()) encoded += str_size(2) + str_size(f->size());
  return std::string("consul:event:").size() + e.name.size() + encoded;
}

// The agents (nodes) whose shouldProcessUserEvent lets the event through.
std::vector<std::string> receiving_nodes(const Catalog& catalog, const std::string& dc, const UserEvent& e) {
  const std::regex node_re(e.node_filter), service_re(e.service_filter), tag_re(e.tag_filter);
  std::vector<std::string> out;
  for (const Node* node : catalog.nodes(dc)) {
    if (!e.node_filter.empty() && !std::regex_search(node->name, node_re)) continue;
    bool found = e.service_filter.empty();
    for (const auto& [id, s] : node->services) {
      if (found) break;
      if (!std::regex_search(s.name, service_re)) continue;
      if (e.tag_filter.empty()) found = true;
      for (const std::string& tag : s.tags) found = found || std::regex_search(tag, tag_re);
    }
    if (found) out.push_back(node->name);
  }
  return out;
}

void event_fire(ApiCall& call, const std::string& name) {
  if (name.empty()) return call.fail(Status::bad_request, "Missing name");
  const auto dc = call.datacenter();
  if (!dc) return;
  UserEvent e;
  e.name = name;
  e.node_filter = call.target().get("node");
  e.service_filter = call.target().get("service");
  e.tag_filter = call.target().get("tag");
  if (!call.request().body().empty()) e.payload = call.request().body();
  // validateUserEventParams, in its order; its errors are 500 with the text.
  if (e.tag_filter.size() && e.service_filter.empty())
    return call.fail(Status::internal_server_error, "Cannot provide tag filter without service filter");
  const std::pair<const std::string*, const char*> filters[] = {
      {&e.node_filter, "node"}, {&e.service_filter, "service"}, {&e.tag_filter, "tag"}};
  for (const auto& [pattern, what] : filters) {
    if (pattern->empty()) continue;
    try {
      std::regex check(*pattern);
    } catch (const std::regex_error& err) {
      return call.fail(Status::internal_server_error,
                       std::string("Invalid ") + what + " filter: " + go_regexp_error(*pattern, err));
    }
  }
  if (!call.authorize_write("event:write", name)) return;
  if (gossip_size(e) > kUserEventSizeLimit)
    return call.fail(Status::internal_server_error, "user event exceeds configured limit of " +
                                                        std::to_string(kUserEventSizeLimit) + " bytes before encoding");
  const std::vector<std::string> nodes = receiving_nodes(call.catalog(), *dc, e);
  const UserEvent fired = call.catalog().fire_event(std::move(e), nodes);
  // Event lists are no catalog write: wake their blocking queries here.
  call.ctx().blocking.notify_change();
  call.reply(json_ok(event_json(fired)));
}

void event_list(ApiCall& call) {
  const Authorizer* authz = call.authorizer();
  if (!authz) return;
  const Catalog* catalog = &call.catalog();
  const std::string node = call.config().node_name;
  const std::string name = call.target().get("name");
  call.serve_view(
      [catalog, node, name, authz = *authz]() -> QueryView {
        json out = json::array();
        std::string last_id;
        for (const auto& e : catalog->events().list(node)) {
          if (!name.empty() && e->name != name) continue;
          if (!authz.allows(AclResource::event, e->name, AccessLevel::read)) continue;  // filtered, as Consul does
          out.push_back(event_json(*e));
          last_id = e->id;
        }
        // No events: index 1, so a watch does not spin on 0.
        return make_view(last_id.empty() ? 1 : event_index(last_id), json_ok(out));
      },
      true);
}

}  // namespace

bool route_event(ApiCall& call) {
  if (auto name = call.rest_after("/v1/event/fire/")) {
    if (call.require_method({verb::put})) event_fire(call, *name);
    return true;
  }
  if (call.path() == "/v1/event/list") {
    if (call.require_method({verb::get})) event_list(call);
    return true;
  }
  return false;
}

}  // namespace fakes::consul
