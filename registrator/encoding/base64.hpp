#pragma once
// Standard base64 (RFC 4648, with padding), as Consul's KV API and etcd's JSON gateway carry
// keys and values.

#include <optional>
#include <string>
#include <string_view>

namespace registrator {

std::string base64_encode(std::string_view bytes);

/// nullopt when `text` is not padded base64 (wrong length, a character outside the alphabet,
/// padding anywhere but at the end).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace registrator
