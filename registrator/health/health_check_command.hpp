#pragma once
// `registrator -healthcheck URL`: one GET of a registrator's /health, for supervisors that run a
// command rather than fetch a URL (Docker's HEALTHCHECK in the FROM scratch image, which has no
// shell or curl). Exit 0 on 200, 1 on any other answer or none (Docker's "unhealthy").
#include <chrono>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace registrator {

struct ProbeUrl {
  std::string host;  ///< as written, without the brackets of an IPv6 literal
  std::string port;
  std::string path;  ///< "/health" when the URL has none
};

/// "http://HOST:PORT[/PATH]". Anything else (another scheme, no port, a query, userinfo) is
/// refused with `error` saying what is wrong.
std::optional<ProbeUrl> parse_probe_url(std::string_view text, std::string& error);

/// GET url.path; writes "healthy: <body>" or "unhealthy: <why>" as one line to `out` and returns
/// the exit code: 0 for 200, 1 otherwise.
int run_health_check(const ProbeUrl& url, std::ostream& out,
                     std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace registrator
