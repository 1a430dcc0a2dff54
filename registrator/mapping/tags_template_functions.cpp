// The -tags template functions with upstream bridge.go's semantics (index clamping, negative
// indexes counting from the end, Go strings.Replace/Split rules).
#include <map>
#include <regex>

#include "registrator/mapping/tags_template.hpp"
#include "registrator/mapping/tags_template_ast.hpp"

namespace registrator::tmpl {
namespace {

using nlohmann::json;

Value str(std::string s) { return Value{json(std::move(s)), false}; }

const std::string& s_arg(const Value& v) { return v.json.get_ref<const std::string&>(); }
std::int64_t i_arg(const Value& v) { return v.json.get<std::int64_t>(); }
std::vector<std::string> list_arg(const Value& v) { return v.json.get<std::vector<std::string>>(); }

std::size_t utf8_width(const std::string& s, std::size_t at) {
  unsigned char c = static_cast<unsigned char>(s[at]);
  std::size_t w = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
  return std::min(w, s.size() - at);
}

// Go strings.Split.
std::vector<std::string> go_split(const std::string& s, const std::string& sep) {
  std::vector<std::string> out;
  if (sep.empty()) {
    for (std::size_t i = 0; i < s.size();) {
      std::size_t w = utf8_width(s, i);
      out.push_back(s.substr(i, w));
      i += w;
    }
    return out;
  }
  std::size_t start = 0;
  while (true) {
    auto at = s.find(sep, start);
    if (at == std::string::npos) break;
    out.push_back(s.substr(start, at - start));
    start = at + sep.size();
  }
  out.push_back(s.substr(start));
  return out;
}

// Go strings.Replace.
std::string go_replace(const std::string& s, const std::string& old, const std::string& repl, std::int64_t n) {
  if (old == repl || n == 0) return s;
  std::int64_t m = 0;
  if (old.empty()) {
    for (std::size_t i = 0; i < s.size(); i += utf8_width(s, i)) ++m;
    ++m;
  } else {
    for (auto at = s.find(old); at != std::string::npos; at = s.find(old, at + old.size())) ++m;
  }
  if (m == 0) return s;
  if (n < 0 || m < n) n = m;
  std::string out;
  std::size_t start = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    std::size_t j = start;
    if (old.empty()) {
      if (i > 0) j += utf8_width(s, start);
    } else {
      j = s.find(old, start);
    }
    out += s.substr(start, j - start);
    out += repl;
    start = j + old.size();
  }
  out += s.substr(std::min(start, s.size()));
  return out;
}

// sIndex/splitIndex: negative counts from the end; out of range clamps to the first/last.
std::string pick(const std::vector<std::string>& list, std::int64_t i, const char* fn) {
  if (list.empty()) throw TemplateError(std::string(fn) + ": index " + std::to_string(i) + " into an empty list");
  const auto n = static_cast<std::int64_t>(list.size());
  if (i < 0) {
    i = -i;
    return i >= n ? list.front() : list[static_cast<std::size_t>(n - i)];
  }
  return i >= n ? list.back() : list[static_cast<std::size_t>(i)];
}

std::regex compile(const std::string& re, const char* fn) {
  try {
    return std::regex(re, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    throw TemplateError(std::string(fn) + ": bad regular expression \"" + re + "\": " + e.what());
  }
}

Value str_slice(const std::vector<Value>& a) {
  const std::string& v = s_arg(a[0]);
  const auto len = static_cast<std::int64_t>(v.size());
  auto bad = [&](std::int64_t lo, std::int64_t hi) {
    return TemplateError("strSlice: slice bounds out of range [" + std::to_string(lo) + ":" + std::to_string(hi) +
                         "] with length " + std::to_string(len));
  };
  if (a.size() == 2) {
    const auto i = i_arg(a[1]);
    if (len >= i) {
      if (i < 0) throw bad(i, len);
      return str(v.substr(static_cast<std::size_t>(i)));
    }
  }
  if (a.size() == 3) {
    const auto i = i_arg(a[1]), j = i_arg(a[2]);
    if (len >= i && len >= j) {
      if (i == 0) {
        if (j < 0) throw bad(0, j);
        return str(v.substr(0, static_cast<std::size_t>(j)));
      }
      if (j < i) {
        if (i < 0) throw bad(i, len);
        return str(v.substr(static_cast<std::size_t>(i)));
      }
      if (i < 0) throw bad(i, j);
      return str(v.substr(static_cast<std::size_t>(i), static_cast<std::size_t>(j - i)));
    }
  }
  return str(v);
}

Value json_parse(const std::vector<Value>& a) {
  json doc = json::parse(s_arg(a[0]), nullptr, false);
  if (doc.is_discarded()) return str("");  // upstream logs and returns ""
  const json* at = &doc;
  for (const auto& key : go_split(s_arg(a[1]), "::")) {
    if (at->is_object()) {
      auto it = at->find(key);
      if (it == at->end()) return str("");
      at = &*it;
    } else if (at->is_array() && key.size() > 2 && key.front() == '[' && key.back() == ']') {
      std::size_t idx = 0;
      try {
        idx = std::stoul(key.substr(1, key.size() - 2));
      } catch (const std::exception&) {
        return str("");
      }
      if (idx >= at->size()) return str("");
      at = &(*at)[idx];
    } else {
      return str("");
    }
  }
  return str(at->is_string() ? at->get<std::string>() : at->dump());
}

const std::map<std::string, Function>& table() {
  using P = Param;
  static const std::map<std::string, Function> functions = {
      {"strSlice", {{P::String}, true, str_slice}},
      {"sIndex", {{P::Int, P::StringList}, false, [](const auto& a) { return str(pick(list_arg(a[1]), i_arg(a[0]), "sIndex")); }}},
      {"mIndex", {{P::String, P::StringMap}, false, [](const auto& a) {
         auto it = a[1].json.find(s_arg(a[0]));
         return str(it == a[1].json.end() ? "" : it->template get<std::string>());
       }}},
      {"toUpper", {{P::String}, false, [](const auto& a) {
         std::string s = s_arg(a[0]);
         for (char& c : s) if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
         return str(s);
       }}},
      {"toLower", {{P::String}, false, [](const auto& a) {
         std::string s = s_arg(a[0]);
         for (char& c : s) if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
         return str(s);
       }}},
      {"replace", {{P::Int, P::String, P::String, P::String}, false, [](const auto& a) {
         return str(go_replace(s_arg(a[3]), s_arg(a[1]), s_arg(a[2]), i_arg(a[0])));
       }}},
      {"join", {{P::String, P::StringList}, false, [](const auto& a) {
         std::string out;
         const auto list = list_arg(a[1]);
         for (std::size_t i = 0; i < list.size(); ++i) out += (i ? s_arg(a[0]) : "") + list[i];
         return str(out);
       }}},
      {"split", {{P::String, P::String}, false, [](const auto& a) {
         return Value{json(go_split(s_arg(a[1]), s_arg(a[0]))), false};
       }}},
      {"splitIndex", {{P::Int, P::String, P::String}, false, [](const auto& a) {
         return str(pick(go_split(s_arg(a[2]), s_arg(a[1])), i_arg(a[0]), "splitIndex"));
       }}},
      {"matchFirstElement", {{P::String, P::StringList}, false, [](const auto& a) {
         const std::regex re = compile(s_arg(a[0]), "matchFirstElement");
         for (const auto& e : list_arg(a[1]))
           if (std::regex_search(e, re)) return str(e);
         return str("");
       }}},
      {"matchAllElements", {{P::String, P::StringList}, false, [](const auto& a) {
         const std::regex re = compile(s_arg(a[0]), "matchAllElements");
         json out = json::array();
         for (const auto& e : list_arg(a[1]))
           if (std::regex_search(e, re)) out.push_back(e);
         return Value{out, false};
       }}},
      {"jsonParse", {{P::Bytes, P::String}, false, json_parse}},
  };
  return functions;
}

}  // namespace

const Function* find_function(const std::string& name) {
  auto it = table().find(name);
  return it == table().end() ? nullptr : &it->second;
}

std::string function_names() {
  return "strSlice, sIndex, mIndex, toUpper, toLower, replace, join, split, splitIndex, matchFirstElement, "
         "matchAllElements, jsonParse";
}

std::string param_name(Param p) {
  switch (p) {
    case Param::String: return "string";
    case Param::Int: return "integer";
    case Param::StringList: return "list of strings";
    case Param::StringMap: return "map of strings";
    case Param::Bytes: return "JSON text";
  }
  return "?";
}

}  // namespace registrator::tmpl
