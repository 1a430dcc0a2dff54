#include "registrator/docker/fast_json.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>

namespace registrator::fast_json {

namespace {

using json = nlohmann::json;

// Recursive descent over [p, end). Every method returns false when it does not handle the input;
// a null output pointer means "check and skip".
class Reader {
 public:
  explicit Reader(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  bool document(json* out, const Projection* keep = nullptr) {
    skip_ws();
    if (!value(out, keep)) return false;
    skip_ws();
    return p_ == end_;
  }

  bool ids(std::vector<std::string>& out) {
    skip_ws();
    if (!consume('[')) return false;
    skip_ws();
    if (consume(']')) return at_end();
    for (;;) {
      skip_ws();
      if (p_ < end_ && *p_ == '{') {
        if (!object_id(out)) return false;
      } else if (!value(nullptr)) {
        return false;
      }
      skip_ws();
      if (consume(',')) continue;
      if (consume(']')) return at_end();
      return false;
    }
  }

 private:
  static constexpr int kMaxDepth = 200;

  bool at_end() {
    skip_ws();
    return p_ == end_;
  }

  void skip_ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  bool consume(char c) {
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() || std::memcmp(p_, word.data(), word.size()) != 0)
      return false;
    p_ += word.size();
    return true;
  }

  // `keep` (may be null: everything) reduces an object value; see Projection.
  bool value(json* out, const Projection* keep = nullptr) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '{':
        return object(out, keep);
      case '[':
        return array(out);
      case '"': {
        if (!out) return string(nullptr);
        std::string s;
        if (!string(&s)) return false;
        *out = std::move(s);
        return true;
      }
      case 't':
        if (!literal("true")) return false;
        if (out) *out = true;
        return true;
      case 'f':
        if (!literal("false")) return false;
        if (out) *out = false;
        return true;
      case 'n':
        if (!literal("null")) return false;
        if (out) *out = nullptr;
        return true;
      default:
        return number(out);
    }
  }

  // Where a member's value goes under `keep`: into the object (with the projection for its
  // inside, null = whole) or nowhere (checked and skipped).
  struct Placement {
    bool kept;
    const Projection* inner;
  };
  static Placement place(const Projection* keep, const std::string& key) {
    if (!keep) return {true, nullptr};
    for (const auto& m : keep->members)
      if (m.name == key) return {true, m.inner};
    if (keep->every) return {true, keep->every};
    return {false, nullptr};
  }

  bool object(json* out, const Projection* keep) {
    if (++depth_ > kMaxDepth) return false;
    ++p_;  // '{'
    json::object_t* obj = nullptr;
    if (out) {
      *out = json::object();
      obj = out->get_ptr<json::object_t*>();
    }
    skip_ws();
    if (!consume('}')) {
      std::string key;
      for (;;) {
        skip_ws();
        if (p_ == end_ || *p_ != '"') return false;
        if (!string(obj ? &key : nullptr)) return false;
        skip_ws();
        if (!consume(':')) return false;
        skip_ws();
        const Placement where = obj ? place(keep, key) : Placement{false, nullptr};
        if (where.kept) {
          if (!value(&(*obj)[std::move(key)], where.inner)) return false;  // the last duplicate wins
        } else if (!value(nullptr)) {
          return false;
        }
        key.clear();
        skip_ws();
        if (consume(',')) continue;
        if (consume('}')) break;
        return false;
      }
    }
    --depth_;
    return true;
  }

  bool array(json* out) {
    if (++depth_ > kMaxDepth) return false;
    ++p_;  // '['
    json::array_t* arr = nullptr;
    if (out) {
      *out = json::array();
      arr = out->get_ptr<json::array_t*>();
    }
    skip_ws();
    if (!consume(']')) {
      for (;;) {
        skip_ws();
        if (!value(arr ? &arr->emplace_back() : nullptr)) return false;
        skip_ws();
        if (consume(',')) continue;
        if (consume(']')) break;
        return false;
      }
    }
    --depth_;
    return true;
  }

  // An array element of the container list: only "Id" is kept.
  bool object_id(std::vector<std::string>& out) {
    ++p_;  // '{'
    skip_ws();
    if (consume('}')) return true;
    std::string key;
    std::optional<std::string> id;  // of the last "Id" key, as a DOM would keep it
    for (;;) {
      skip_ws();
      if (p_ == end_ || *p_ != '"') return false;
      if (!string(&key)) return false;
      skip_ws();
      if (!consume(':')) return false;
      skip_ws();
      if (key == "Id" && p_ < end_ && *p_ == '"') {
        id.emplace();
        if (!string(&*id)) return false;
      } else {
        if (key == "Id") id.reset();
        if (!value(nullptr)) return false;
      }
      key.clear();
      skip_ws();
      if (consume(',')) continue;
      if (!consume('}')) return false;
      if (id) out.push_back(std::move(*id));
      return true;
    }
  }

  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  bool hex4(unsigned& out) {
    if (end_ - p_ < 4) return false;
    out = 0;
    for (int i = 0; i < 4; ++i) {
      const int h = hex(p_[i]);
      if (h < 0) return false;
      out = out * 16 + static_cast<unsigned>(h);
    }
    p_ += 4;
    return true;
  }

  static void append_utf8(std::string& s, unsigned cp) {
    if (cp < 0x80) {
      s += static_cast<char>(cp);
    } else if (cp < 0x800) {
      s += static_cast<char>(0xC0 | (cp >> 6));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      s += static_cast<char>(0xE0 | (cp >> 12));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      s += static_cast<char>(0xF0 | (cp >> 18));
      s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  // At '"'. Plain runs are appended whole; escapes are decoded; control characters (invalid)
  // and non-ASCII bytes (left to nlohmann's UTF-8 check) give up.
  bool string(std::string* out) {
    ++p_;
    for (;;) {
      const char* run = p_;
      while (p_ < end_) {
        const auto c = static_cast<unsigned char>(*p_);
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
        ++p_;
      }
      if (out) out->append(run, p_);
      if (p_ == end_) return false;
      const char c = *p_++;
      if (c == '"') return true;
      if (c != '\\' || p_ == end_) return false;
      const char e = *p_++;
      char plain = 0;
      switch (e) {
        case '"': plain = '"'; break;
        case '\\': plain = '\\'; break;
        case '/': plain = '/'; break;
        case 'b': plain = '\b'; break;
        case 'f': plain = '\f'; break;
        case 'n': plain = '\n'; break;
        case 'r': plain = '\r'; break;
        case 't': plain = '\t'; break;
        case 'u': {
          unsigned cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // a lone low surrogate
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            unsigned low = 0;
            if (!literal("\\u") || !hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          if (out) append_utf8(*out, cp);
          continue;
        }
        default:
          return false;
      }
      if (out) *out += plain;
    }
  }

  // Integers only: fractions and exponents are left to nlohmann (its double conversion).
  bool number(json* out) {
    const char* start = p_;
    const bool negative = consume('-');
    if (p_ == end_ || *p_ < '0' || *p_ > '9') return false;
    if (*p_ == '0' && p_ + 1 < end_ && p_[1] >= '0' && p_[1] <= '9') return false;  // leading zero
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    if (p_ < end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) return false;
    if (negative) {
      std::int64_t v = 0;
      auto [ptr, ec] = std::from_chars(start, p_, v);
      if (ec != std::errc() || ptr != p_) return false;
      if (out) *out = v;
    } else {
      std::uint64_t v = 0;
      auto [ptr, ec] = std::from_chars(start, p_, v);
      if (ec != std::errc() || ptr != p_) return false;
      if (out) *out = v;
    }
    return true;
  }

  const char* p_;
  const char* end_;
  int depth_ = 0;
};

}  // namespace

std::optional<nlohmann::json> parse(std::string_view text) {
  nlohmann::json out;
  Reader reader(text);
  if (!reader.document(&out)) return std::nullopt;
  return out;
}

std::optional<nlohmann::json> parse_projected(std::string_view text, const Projection& keep) {
  nlohmann::json out;
  Reader reader(text);
  if (!reader.document(&out, &keep)) return std::nullopt;
  return out;
}

std::optional<std::vector<std::string>> array_ids(std::string_view text) {
  std::vector<std::string> ids;
  Reader reader(text);
  if (!reader.ids(ids)) return std::nullopt;
  return ids;
}

}  // namespace registrator::fast_json
