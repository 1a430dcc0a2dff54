#pragma once
// Engine API versions ("1.47") and the /vX.Y/ path prefix that carries them.

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace fakes::docker {

struct ApiVersion {
  int major = 1;
  int minor = 47;
  auto operator<=>(const ApiVersion&) const = default;
  std::string to_string() const { return std::to_string(major) + "." + std::to_string(minor); }
  static std::optional<ApiVersion> parse(std::string_view text);
};

struct VersionedPath {
  std::optional<ApiVersion> version;  // nullopt: no /vX.Y prefix
  std::string version_text;           // as written, for error messages
  std::string rest;                   // path after the prefix, starting with '/'
};

/// Splits "/v1.47/containers/json" into 1.47 and "/containers/json". A "/vX" segment that is
/// not a version stays part of the path (it will 404 as an unknown route).
VersionedPath split_version_prefix(const std::string& path);

/// The engine release that shipped an API version (for /version and the Server header).
std::string engine_release_for(ApiVersion version);

}  // namespace fakes::docker
