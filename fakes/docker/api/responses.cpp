#include "fakes/docker/api/responses.hpp"

namespace fakes::docker {

void add_engine_headers(http::Response& res, const ServerIdentity& server) {
  res.set("Server", "Docker/" + server.release + " (linux)");
  res.set("Api-Version", server.max_version.to_string());
  res.set("Ostype", "linux");
  res.set("Docker-Experimental", "false");
}

http::Response json_response(http::Status status, const Json& body, const ServerIdentity& server) {
  return json_text_response(status, body.dump() + "\n", server);
}

http::Response json_text_response(http::Status status, std::string body, const ServerIdentity& server) {
  auto res = http::make_response(status, std::move(body), "application/json");
  add_engine_headers(res, server);
  return res;
}

http::Response empty_response(http::Status status, const ServerIdentity& server) {
  auto res = http::make_response(status, "", "");
  res.erase(http::bhttp::field::content_type);
  add_engine_headers(res, server);
  return res;
}

http::Response error_response(int status, std::string_view message, const ServerIdentity& server) {
  auto code = static_cast<http::Status>(status);
  if (status == 304) return empty_response(code, server);
  return json_response(code, Json{{"message", std::string(message)}}, server);
}

}  // namespace fakes::docker
