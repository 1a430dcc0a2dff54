#pragma once
// JSON requests for tests and benches; one Docker Engine API request over a unix socket (fake-docker or a real dockerd), for tests.
#include <chrono>
#include <string>

#include "registrator/http/http_client.hpp"

namespace regtest {

/// A request with a JSON body (when there is one).
inline registrator::http::Request json_request(const std::string& method, const std::string& target,
                                               const std::string& body = {}) {
  registrator::http::Request req;
  req.method = method;
  req.target = target;
  req.body = body;
  if (!body.empty()) req.content_type = "application/json";
  return req;
}

inline registrator::http::Response docker_request(const std::string& socket, const std::string& method,
                                                  const std::string& target, const std::string& body = {}) {
  return registrator::http::send(registrator::http::Endpoint::unix_socket(socket), json_request(method, target, body),
                                 std::chrono::seconds(5));
}

}  // namespace regtest
