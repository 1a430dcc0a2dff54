#pragma once
// HPACK (RFC 7541) for the gRPC check's HTTP/2 client: a full decoder for the header blocks a
// server sends (static and dynamic table, table size updates, Huffman strings; real servers use
// all of them) and the one encoding the client needs for its request, literals without
// indexing. Every length and index read from the peer is bounds-checked.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace fakes::consul::hpack {

struct HeaderField {
  std::string name, value;
  bool operator==(const HeaderField&) const = default;
};

struct DecodeResult {
  std::vector<HeaderField> headers;
  std::string error;  // "" when the block decoded; else what was wrong (a connection error)
};

class Decoder {
 public:
  /// `max_table_size` is the SETTINGS_HEADER_TABLE_SIZE the client advertised (4096 by
  /// default): the largest dynamic table size update the peer may ask for.
  /// `max_header_list_size` bounds the decoded block (name + value + 32 per field).
  explicit Decoder(std::size_t max_table_size = 4096, std::size_t max_header_list_size = 64 * 1024);

  /// Decodes one complete header block (HEADERS plus its CONTINUATIONs). After an error the
  /// decoder's table may be out of step with the peer's: the connection must end.
  DecodeResult decode(std::string_view block);

  /// The dynamic table, newest first, and its size as RFC 7541 4.1 counts it.
  const std::deque<HeaderField>& dynamic_table() const { return table_; }
  std::size_t table_size() const { return size_; }

 private:
  void insert(HeaderField field);
  void evict_to(std::size_t limit);

  std::size_t settings_limit_, capacity_, max_list_size_;
  std::deque<HeaderField> table_;
  std::size_t size_ = 0;
};

/// One header field as a literal without indexing, new name, no Huffman (RFC 7541 6.2.2).
void encode_literal(std::string& out, std::string_view name, std::string_view value);

/// An HPACK integer with an N-bit prefix (RFC 7541 5.1); `first_byte_flags` fills the bits
/// above the prefix.
void encode_integer(std::string& out, std::uint64_t value, unsigned prefix_bits, std::uint8_t first_byte_flags);

}  // namespace fakes::consul::hpack
