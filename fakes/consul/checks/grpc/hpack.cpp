#include "fakes/consul/checks/grpc/hpack.hpp"

#include <array>
#include <optional>

#include "fakes/consul/checks/grpc/hpack_huffman.hpp"

namespace fakes::consul::hpack {

namespace {

// RFC 7541 Appendix A.
struct StaticEntry {
  const char* name;
  const char* value;
};
constexpr std::array<StaticEntry, 61> kStaticTable = {{
    {":authority", ""},
    {":method", "GET"},
    {":method", "POST"},
    {":path", "/"},
    {":path", "/index.html"},
    {":scheme", "http"},
    {":scheme", "https"},
    {":status", "200"},
    {":status", "204"},
    {":status", "206"},
    {":status", "304"},
    {":status", "400"},
    {":status", "404"},
    {":status", "500"},
    {"accept-charset", ""},
    {"accept-encoding", "gzip, deflate"},
    {"accept-language", ""},
    {"accept-ranges", ""},
    {"accept", ""},
    {"access-control-allow-origin", ""},
    {"age", ""},
    {"allow", ""},
    {"authorization", ""},
    {"cache-control", ""},
    {"content-disposition", ""},
    {"content-encoding", ""},
    {"content-language", ""},
    {"content-length", ""},
    {"content-location", ""},
    {"content-range", ""},
    {"content-type", ""},
    {"cookie", ""},
    {"date", ""},
    {"etag", ""},
    {"expect", ""},
    {"expires", ""},
    {"from", ""},
    {"host", ""},
    {"if-match", ""},
    {"if-modified-since", ""},
    {"if-none-match", ""},
    {"if-range", ""},
    {"if-unmodified-since", ""},
    {"last-modified", ""},
    {"link", ""},
    {"location", ""},
    {"max-forwards", ""},
    {"proxy-authenticate", ""},
    {"proxy-authorization", ""},
    {"range", ""},
    {"referer", ""},
    {"refresh", ""},
    {"retry-after", ""},
    {"server", ""},
    {"set-cookie", ""},
    {"strict-transport-security", ""},
    {"transfer-encoding", ""},
    {"user-agent", ""},
    {"vary", ""},
    {"via", ""},
    {"www-authenticate", ""},
}};

constexpr std::size_t kEntryOverhead = 32;  // RFC 7541 4.1

// Reads from a header block; every read checks what is left.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  bool done() const { return at_ == bytes_.size(); }
  std::uint8_t peek() const { return static_cast<std::uint8_t>(bytes_[at_]); }

  // RFC 7541 5.1; nullopt when truncated or larger than 2^32 (no legitimate value comes near).
  std::optional<std::uint64_t> integer(unsigned prefix_bits) {
    if (done()) return std::nullopt;
    const std::uint64_t max_prefix = (1u << prefix_bits) - 1;
    std::uint64_t value = static_cast<std::uint8_t>(bytes_[at_++]) & max_prefix;
    if (value < max_prefix) return value;
    for (unsigned shift = 0;; shift += 7) {
      if (done() || shift > 28) return std::nullopt;
      const std::uint8_t b = static_cast<std::uint8_t>(bytes_[at_++]);
      value += static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (value > 0xffffffffu) return std::nullopt;
      if (!(b & 0x80)) return value;
    }
  }

  // RFC 7541 5.2: H flag, length, then that many bytes (Huffman-decoded when H).
  std::optional<std::string> string(std::string& error) {
    if (done()) {
      error = "truncated string";
      return std::nullopt;
    }
    const bool huffman = peek() & 0x80;
    const auto length = integer(7);
    if (!length) {
      error = "bad string length";
      return std::nullopt;
    }
    if (*length > bytes_.size() - at_) {
      error = "string length " + std::to_string(*length) + " runs past the block";
      return std::nullopt;
    }
    const auto raw = bytes_.substr(at_, static_cast<std::size_t>(*length));
    at_ += static_cast<std::size_t>(*length);
    if (!huffman) return std::string(raw);
    auto decoded = huffman_decode(raw);
    if (!decoded) error = "invalid Huffman-coded string";
    return decoded;
  }

 private:
  std::string_view bytes_;
  std::size_t at_ = 0;
};

}  // namespace

Decoder::Decoder(std::size_t max_table_size, std::size_t max_header_list_size)
    : settings_limit_(max_table_size), capacity_(max_table_size), max_list_size_(max_header_list_size) {}

void Decoder::evict_to(std::size_t limit) {
  while (size_ > limit && !table_.empty()) {
    size_ -= table_.back().name.size() + table_.back().value.size() + kEntryOverhead;
    table_.pop_back();
  }
}

void Decoder::insert(HeaderField field) {
  const std::size_t entry = field.name.size() + field.value.size() + kEntryOverhead;
  // RFC 7541 4.4: an entry larger than the table empties it and is not added.
  evict_to(entry > capacity_ ? 0 : capacity_ - entry);
  if (entry > capacity_) return;
  size_ += entry;
  table_.push_front(std::move(field));
}

DecodeResult Decoder::decode(std::string_view block) {
  DecodeResult result;
  Reader in(block);
  std::size_t list_size = 0;
  bool fields_seen = false;
  auto fail = [&](std::string why) {
    result.headers.clear();
    result.error = "HPACK: " + std::move(why);
    return std::move(result);
  };
  // Index 1..61 the static table, then the dynamic table newest first (RFC 7541 2.3.3).
  auto lookup = [&](std::uint64_t index) -> std::optional<HeaderField> {
    if (index == 0) return std::nullopt;
    if (index <= kStaticTable.size()) return HeaderField{kStaticTable[index - 1].name, kStaticTable[index - 1].value};
    const std::uint64_t dynamic = index - kStaticTable.size() - 1;
    if (dynamic >= table_.size()) return std::nullopt;
    return table_[static_cast<std::size_t>(dynamic)];
  };
  while (!in.done()) {
    const std::uint8_t first = in.peek();
    if ((first & 0xe0) == 0x20) {  // dynamic table size update (6.3)
      if (fields_seen) return fail("dynamic table size update after a header field");
      const auto size = in.integer(5);
      if (!size) return fail("bad table size update");
      if (*size > settings_limit_)
        return fail("table size update to " + std::to_string(*size) + " exceeds the advertised " +
                    std::to_string(settings_limit_));
      capacity_ = static_cast<std::size_t>(*size);
      evict_to(capacity_);
      continue;
    }
    fields_seen = true;
    HeaderField field;
    if (first & 0x80) {  // indexed header field (6.1)
      const auto index = in.integer(7);
      if (!index) return fail("bad index");
      auto found = lookup(*index);
      if (!found) return fail("index " + std::to_string(*index) + " is not in the table");
      field = std::move(*found);
    } else {
      // Literal with incremental indexing (6.2.1, 6-bit index), without indexing (6.2.2) or
      // never indexed (6.2.3), both with a 4-bit index.
      const bool indexing = (first & 0xc0) == 0x40;
      const auto index = in.integer(indexing ? 6 : 4);
      if (!index) return fail("bad name index");
      std::string error;
      if (*index == 0) {
        auto name = in.string(error);
        if (!name) return fail("name: " + error);
        field.name = std::move(*name);
      } else {
        auto found = lookup(*index);
        if (!found) return fail("name index " + std::to_string(*index) + " is not in the table");
        field.name = std::move(found->name);
      }
      auto value = in.string(error);
      if (!value) return fail("value of " + field.name + ": " + error);
      field.value = std::move(*value);
      if (indexing) insert(field);
    }
    list_size += field.name.size() + field.value.size() + kEntryOverhead;
    if (list_size > max_list_size_) return fail("header list larger than " + std::to_string(max_list_size_) + " bytes");
    result.headers.push_back(std::move(field));
  }
  return result;
}

void encode_integer(std::string& out, std::uint64_t value, unsigned prefix_bits, std::uint8_t first_byte_flags) {
  const std::uint64_t max_prefix = (1u << prefix_bits) - 1;
  if (value < max_prefix) {
    out.push_back(static_cast<char>(first_byte_flags | value));
    return;
  }
  out.push_back(static_cast<char>(first_byte_flags | max_prefix));
  value -= max_prefix;
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

void encode_literal(std::string& out, std::string_view name, std::string_view value) {
  out.push_back(0x00);  // literal without indexing, new name
  encode_integer(out, name.size(), 7, 0x00);
  out.append(name);
  encode_integer(out, value.size(), 7, 0x00);
  out.append(value);
}

}  // namespace fakes::consul::hpack
