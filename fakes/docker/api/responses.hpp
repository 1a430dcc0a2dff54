#pragma once
// Building responses the way dockerd sends them: engine headers on everything, JSON bodies
// with a trailing newline (Go's encoder), errors as {"message": "..."}.

#include "fakes/docker/json/json_views.hpp"

#include "fakes/common/http/server.hpp"

#include <string_view>

namespace fakes::docker {

namespace http = fakes::http;

/// Server, Api-Version, Ostype, Docker-Experimental: present on every engine response.
void add_engine_headers(http::Response& res, const ServerIdentity& server);
http::Response json_response(http::Status status, const Json& body, const ServerIdentity& server);
/// The same for an already serialized body (newline included).
http::Response json_text_response(http::Status status, std::string body, const ServerIdentity& server);
http::Response empty_response(http::Status status, const ServerIdentity& server);
/// What dockerd writes on a connection it hijacks (exec start, attach): "101 UPGRADED" with
/// `content_type` when the client sent `Upgrade`, else "200 OK"; the engine's headers; a blank line.
std::string hijack_head(bool upgrade, std::string_view content_type, const ServerIdentity& server);
/// 304 has no body; every other error is JSON {"message": ...}.
http::Response error_response(int status, std::string_view message, const ServerIdentity& server);

}  // namespace fakes::docker
