#include "scenarios/regsim/peers/consul_reader.hpp"

#include "fakes/common/url.hpp"

namespace regsim {

namespace {

nlohmann::json fetch_list(const fakes::http::Endpoint& consul, const std::string& target) {
  fakes::http::ClientResponse r;
  try {
    r = fakes::http::fetch(consul, boost::beast::http::verb::get, target, {}, {}, std::chrono::seconds(5));
  } catch (const fakes::http::ClientError& e) {
    throw ConsulError(std::string("consul unreachable: ") + e.what());
  }
  if (r.status != 200)
    throw ConsulError("GET " + target + " answered " + std::to_string(r.status) + ": " + r.body.substr(0, 200));
  auto doc = nlohmann::json::parse(r.body, nullptr, false);
  if (doc.is_discarded()) throw ConsulError("GET " + target + " answered invalid JSON: " + r.body.substr(0, 200));
  return doc;
}

std::string dc_query(const std::string& datacenter) {
  return datacenter.empty() ? std::string{} : "?dc=" + fakes::http::percent_encode(datacenter);
}

}  // namespace

nlohmann::json fetch_catalog_service(const fakes::http::Endpoint& consul, const std::string& service,
                                     const std::string& datacenter) {
  return fetch_list(consul, "/v1/catalog/service/" + fakes::http::percent_encode(service) + dc_query(datacenter));
}

nlohmann::json fetch_catalog_services(const fakes::http::Endpoint& consul) {
  return fetch_list(consul, "/v1/catalog/services");
}

nlohmann::json fetch_health_checks(const fakes::http::Endpoint& consul, const std::string& service,
                                   const std::string& datacenter) {
  return fetch_list(consul, "/v1/health/checks/" + fakes::http::percent_encode(service) + dc_query(datacenter));
}

}  // namespace regsim
