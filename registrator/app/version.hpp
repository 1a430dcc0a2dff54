#pragma once
#include <string_view>

namespace registrator {
/// Printed by `registrator --version` (no network lookups, unlike upstream's usage checker).
inline constexpr std::string_view kVersion = "v7.4.0-cpp";
}  // namespace registrator
