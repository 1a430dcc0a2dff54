#pragma once
#include <string>
#include <string_view>

#include "registrator/app/build_info.hpp"

namespace registrator {
/// The version (no network lookups, unlike upstream's usage checker).
inline constexpr std::string_view kVersion = "v7.4.0-cpp";

/// "3e2d248…" (40 hex digits), "3e2d248…-dirty" (built with uncommitted changes), or "unknown"
/// (built outside a git checkout).
std::string commit_text(const BuildInfo& info = kBuildInfo);

/// What `registrator --version` prints: the version alone on the first line, as upstream prints
/// it (so `| head -1` scripts keep working), then "commit <commit_text>", with the reason when
/// it is unknown.
std::string version_text(const BuildInfo& info = kBuildInfo);
}  // namespace registrator
