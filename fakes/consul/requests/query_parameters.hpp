#pragma once
// Which query parameters each API route takes, in one table: a parameter the fake does not
// act on is refused with 400 naming it, never silently ignored. Enterprise's ?ns= and
// ?partition= (and their headers) get Consul OSS's own refusals (agent/http_oss.go).

#include "fakes/common/http/server.hpp"
#include "fakes/common/url.hpp"

#include <optional>
#include <string>

namespace fakes::consul {

/// nullopt when the request's parameters are all ones its route takes (or the path is no
/// route of the table, which answers 404 later); otherwise the 400 text.
std::optional<std::string> refuse_query_parameters(const fakes::http::Request& request, const fakes::http::Target& target);

}  // namespace fakes::consul
