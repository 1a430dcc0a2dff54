#pragma once
// Go-style JSON decoding helpers: Consul decodes bodies with encoding/json, which matches
// field names case-insensitively, and translates snake_case keys first. These helpers do the
// same and throw DecodeError with Go's wording, so "Request decode failed: ..." reads like
// the real agent.

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace fakes::consul {

class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Parses a request body; empty -> "EOF" and syntax errors -> a message, as DecodeError.
nlohmann::json parse_body(std::string_view body);

/// The member of `object` for struct field `field` ("EnableTagOverride" matches
/// "enable_tag_override", "enableTagOverride", ...); nullptr when absent or null.
const nlohmann::json* find_field(const nlohmann::json& object, std::string_view field);

/// Typed reads; `where` names the Go field for errors ("ServiceDefinition.Port").
std::string read_string(const nlohmann::json& value, std::string_view where);
std::int64_t read_int(const nlohmann::json& value, std::string_view where);
bool read_bool(const nlohmann::json& value, std::string_view where);
std::vector<std::string> read_string_list(const nlohmann::json& value, std::string_view where);
std::map<std::string, std::string> read_string_map(const nlohmann::json& value, std::string_view where);
/// A duration given as a Go duration string or as integer nanoseconds (Consul accepts both).
std::chrono::nanoseconds read_duration(const nlohmann::json& value, std::string_view where);
/// Requires an object (or throws the Go "cannot unmarshal X into ..." error).
const nlohmann::json& read_object(const nlohmann::json& value, std::string_view where, std::string_view go_type);

}  // namespace fakes::consul
