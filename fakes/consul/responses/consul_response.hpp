#pragma once
// Response builders in Consul's style: errors are text/plain reason strings, bodies are
// compact JSON, read endpoints carry the blocking-query headers.

#include "fakes/common/http/server.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace fakes::consul {

using fakes::http::Response;
using fakes::http::Status;

Response text_error(Status status, std::string reason);
Response json_ok(const nlohmann::json& body);
/// 200 with an empty body, as Consul answers register/deregister/check updates.
Response empty_ok();
/// X-Consul-Index (at least 1, as Consul promises), X-Consul-KnownLeader, X-Consul-LastContact.
void add_query_meta(Response& response, std::uint64_t index);

}  // namespace fakes::consul
