#include "fakes/docker/api/responses.hpp"

namespace fakes::docker {

void add_engine_headers(http::Response& res, const ServerIdentity& server) {
  res.set("Server", "Docker/" + server.release + " (linux)");
  res.set("Api-Version", server.max_version.to_string());
  res.set("Ostype", "linux");
  res.set("Docker-Experimental", "false");
}

std::string hijack_head(bool upgrade, std::string_view content_type, const ServerIdentity& server) {
  std::string head = upgrade ? "HTTP/1.1 101 UPGRADED\r\nContent-Type: " + std::string(content_type) +
                                   "\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
                             : "HTTP/1.1 200 OK\r\nContent-Type: " + std::string(content_type) + "\r\n";
  http::Response fields;
  add_engine_headers(fields, server);
  for (const auto& field : fields) head += std::string(field.name_string()) + ": " + std::string(field.value()) + "\r\n";
  return head + "\r\n";
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
