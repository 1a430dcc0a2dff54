#include "scenarios/regsim/peers/consul_writer.hpp"

#include "fakes/common/url.hpp"

namespace regsim {
namespace {

using boost::beast::http::verb;

fakes::http::ClientResponse send(const fakes::http::Endpoint& consul, verb method, const std::string& target,
                                 const std::string& body = {}) {
  fakes::http::ClientResponse r;
  const std::string what = std::string(boost::beast::http::to_string(method)) + " " + target;
  try {
    r = fakes::http::fetch(consul, method, target, body, {{"Content-Type", "application/json"}}, std::chrono::seconds(5));
  } catch (const fakes::http::ClientError& e) {
    throw ConsulError(what + ": consul unreachable: " + e.what());
  }
  if (r.status < 200 || r.status > 299)
    throw ConsulError(what + " answered " + std::to_string(r.status) + ": " + r.body.substr(0, 200));
  return r;
}

}  // namespace

void consul_register_service(const fakes::http::Endpoint& consul, const nlohmann::json& registration) {
  send(consul, verb::put, "/v1/agent/service/register", registration.dump());
}

std::string consul_create_query(const fakes::http::Endpoint& consul, const nlohmann::json& query) {
  const auto r = send(consul, verb::post, "/v1/query", query.dump());
  const auto doc = nlohmann::json::parse(r.body, nullptr, false);
  if (!doc.is_object() || !doc.contains("ID") || !doc["ID"].is_string())
    throw ConsulError("POST /v1/query answered without an ID: " + r.body.substr(0, 200));
  return doc["ID"].get<std::string>();
}

void consul_add_fault(const fakes::http::Endpoint& consul, const nlohmann::json& rule) {
  send(consul, verb::post, "/_fake/faults", rule.dump());
}

void consul_clear_faults(const fakes::http::Endpoint& consul) { send(consul, verb::delete_, "/_fake/faults"); }

int consul_lose_state(const fakes::http::Endpoint& consul) {
  const auto r = send(consul, verb::post, "/_fake/lose-state");
  const auto doc = nlohmann::json::parse(r.body, nullptr, false);
  return doc.is_object() && doc.contains("Deregistered") && doc["Deregistered"].is_number_integer()
             ? doc["Deregistered"].get<int>()
             : 0;
}

void consul_set_check_status(const fakes::http::Endpoint& agent, const std::string& check_id, const std::string& status,
                             const std::string& note) {
  const std::string verb_path = status == "passing" ? "pass" : status == "warning" ? "warn" : "fail";
  std::string target = "/v1/agent/check/" + verb_path + "/" + fakes::http::percent_encode(check_id);
  if (!note.empty()) target += "?note=" + fakes::http::percent_encode(note);
  send(agent, verb::put, target);
}

void consul_set_maintenance(const fakes::http::Endpoint& agent, const std::string& service_id, bool enable,
                            const std::string& reason) {
  std::string target = service_id.empty() ? "/v1/agent/maintenance"
                                          : "/v1/agent/service/maintenance/" + fakes::http::percent_encode(service_id);
  target += std::string("?enable=") + (enable ? "true" : "false");
  if (!reason.empty()) target += "&reason=" + fakes::http::percent_encode(reason);
  send(agent, verb::put, target);
}

}  // namespace regsim
