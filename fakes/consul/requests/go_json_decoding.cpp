#include "fakes/consul/requests/go_json_decoding.hpp"

#include "fakes/consul/requests/go_duration.hpp"

#include <cmath>

namespace fakes::consul {

namespace {

// Whether two names are the same field once '_' and '-' are dropped and case is folded
// ("enable_tag_override" and "EnableTagOverride"). Compared in place: a decoder asks for some
// thirty fields of a body that has four, so this runs a hundred times per registration.
bool same_field_name(std::string_view a, std::string_view b) {
  auto fold = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  auto skip = [](std::string_view s, std::size_t i) {
    while (i < s.size() && (s[i] == '_' || s[i] == '-')) ++i;
    return i;
  };
  std::size_t i = skip(a, 0), j = skip(b, 0);
  while (i < a.size() && j < b.size()) {
    if (fold(a[i]) != fold(b[j])) return false;
    i = skip(a, i + 1);
    j = skip(b, j + 1);
  }
  return i == a.size() && j == b.size();
}

std::string go_kind(const nlohmann::json& v) {
  if (v.is_string()) return "string";
  if (v.is_boolean()) return "bool";
  if (v.is_number()) return "number";
  if (v.is_array()) return "array";
  if (v.is_object()) return "object";
  return "null";
}

[[noreturn]] void mismatch(const nlohmann::json& v, std::string_view where, std::string_view go_type) {
  std::string kind = go_kind(v);
  if (v.is_number()) kind = "number " + v.dump();
  throw DecodeError("json: cannot unmarshal " + kind + " into Go struct field " + std::string(where) + " of type " +
                    std::string(go_type));
}

}  // namespace

nlohmann::json parse_body(std::string_view body) {
  bool blank = true;
  for (char c : body) blank = blank && (c == ' ' || c == '\n' || c == '\r' || c == '\t');
  if (blank) throw DecodeError("EOF");
  try {
    return nlohmann::json::parse(body);
  } catch (const nlohmann::json::exception& e) {  // syntax, and numbers beyond double (1e999)
    // nlohmann's text is "[json.exception.parse_error.101] parse error at line 1, column 2: ...";
    // keep the part after the tag.
    std::string what = e.what();
    if (auto pos = what.find("] "); pos != std::string::npos) what.erase(0, pos + 2);
    throw DecodeError(what);
  }
}

const nlohmann::json* find_field(const nlohmann::json& object, std::string_view field) {
  if (!object.is_object()) return nullptr;
  // One pass: an exact match wins over a folded one (Go prefers the exact key as well).
  const nlohmann::json* folded = nullptr;
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (it.key() == field) return it->is_null() ? nullptr : &*it;
    if (!folded && same_field_name(it.key(), field)) folded = &*it;
  }
  return folded && !folded->is_null() ? folded : nullptr;
}

std::string read_string(const nlohmann::json& v, std::string_view where) {
  if (!v.is_string()) mismatch(v, where, "string");
  return v.get<std::string>();
}

std::int64_t read_int(const nlohmann::json& v, std::string_view where) {
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.2e18) return static_cast<std::int64_t>(d);
  }
  mismatch(v, where, "int");
}

bool read_bool(const nlohmann::json& v, std::string_view where) {
  if (!v.is_boolean()) mismatch(v, where, "bool");
  return v.get<bool>();
}

std::vector<std::string> read_string_list(const nlohmann::json& v, std::string_view where) {
  if (!v.is_array()) mismatch(v, where, "[]string");
  std::vector<std::string> out;
  for (const auto& item : v) out.push_back(read_string(item, where));
  return out;
}

std::map<std::string, std::string> read_string_map(const nlohmann::json& v, std::string_view where) {
  if (!v.is_object()) mismatch(v, where, "map[string]string");
  std::map<std::string, std::string> out;
  for (auto it = v.begin(); it != v.end(); ++it) out[it.key()] = it->is_null() ? "" : read_string(*it, where);
  return out;
}

std::chrono::nanoseconds read_duration(const nlohmann::json& v, std::string_view where) {
  if (v.is_number()) return std::chrono::nanoseconds(read_int(v, where));
  if (!v.is_string()) mismatch(v, where, "time.Duration");
  const std::string text = v.get<std::string>();
  auto d = parse_go_duration(text);
  if (!d) throw DecodeError("time: invalid duration \"" + text + "\"");
  return *d;
}

const nlohmann::json& read_object(const nlohmann::json& v, std::string_view where, std::string_view go_type) {
  if (!v.is_object()) mismatch(v, where, go_type);
  return v;
}

}  // namespace fakes::consul
