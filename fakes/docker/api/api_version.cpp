#include "fakes/docker/api/api_version.hpp"

#include <map>

namespace fakes::docker {

namespace {
bool parse_number(std::string_view s, int& out) {
  if (s.empty() || s.size() > 4) return false;
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}
}  // namespace

std::optional<ApiVersion> ApiVersion::parse(std::string_view text) {
  auto dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  ApiVersion v;
  if (!parse_number(text.substr(0, dot), v.major) || !parse_number(text.substr(dot + 1), v.minor)) return std::nullopt;
  return v;
}

VersionedPath split_version_prefix(const std::string& path) {
  VersionedPath out;
  out.rest = path;
  if (path.size() < 3 || path[0] != '/' || path[1] != 'v') return out;
  auto end = path.find('/', 1);
  std::string segment = path.substr(2, end == std::string::npos ? std::string::npos : end - 2);
  auto version = ApiVersion::parse(segment);
  if (!version) return out;
  out.version = version;
  out.version_text = segment;
  out.rest = end == std::string::npos ? "/" : path.substr(end);
  return out;
}

std::string engine_release_for(ApiVersion version) {
  static const std::map<int, const char*> releases = {
      {41, "20.10.24"}, {42, "23.0.6"}, {43, "24.0.9"}, {44, "25.0.5"}, {45, "26.0.2"}, {46, "26.1.4"},
      {47, "27.5.1"},   {48, "28.0.4"}, {49, "28.1.1"}, {50, "28.3.3"}, {51, "28.5.1"}, {52, "29.0.0"}};
  if (version.major == 1)
    if (auto it = releases.find(version.minor); it != releases.end()) return it->second;
  return "27.5.1";
}

}  // namespace fakes::docker
