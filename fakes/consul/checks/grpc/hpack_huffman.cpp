#include "fakes/consul/checks/grpc/hpack_huffman.hpp"

#include <array>
#include <cstdint>

namespace fakes::consul::hpack {

namespace {

// The code length of every symbol, 0-255 and EOS (256), from RFC 7541 Appendix B. The code is
// canonical (codes of one length are consecutive, in symbol order, after all shorter ones), so
// the lengths alone determine every code; the unit tests check codes the RFC lists.
constexpr std::array<std::uint8_t, 257> kCodeLength = {
    13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28,  //
    28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,  //
    6,  10, 10, 12, 13, 6,  8,  11, 10, 10, 8,  11, 8,  6,  6,  6,   //
    5,  5,  5,  6,  6,  6,  6,  6,  6,  6,  7,  8,  15, 6,  12, 10,  //
    13, 6,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,   //
    7,  7,  7,  7,  7,  7,  7,  7,  8,  7,  8,  13, 19, 13, 14, 6,   //
    15, 5,  6,  5,  6,  5,  6,  6,  6,  5,  7,  7,  6,  6,  6,  5,   //
    6,  7,  6,  5,  5,  6,  7,  7,  7,  7,  7,  15, 11, 14, 13, 28,  //
    20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23,  //
    24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,  //
    22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23,  //
    21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,  //
    26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,  //
    19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,  //
    20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23,  //
    26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,  //
    30};

constexpr unsigned kMaxLength = 30;
constexpr unsigned kEos = 256;

// The canonical code laid out for decoding: per length, the first code, how many codes have
// it, and where its symbols start in `symbols` (ordered by length, then symbol).
struct CanonicalCode {
  std::array<std::uint32_t, kMaxLength + 1> first{};
  std::array<std::uint32_t, kMaxLength + 1> count{};
  std::array<std::uint32_t, kMaxLength + 1> offset{};
  std::array<std::uint16_t, 257> symbols{};
  std::array<std::uint32_t, 257> code{};  // per symbol, for encoding

  CanonicalCode() {
    for (unsigned s = 0; s < 257; ++s) ++count[kCodeLength[s]];
    std::uint32_t next = 0, position = 0;
    for (unsigned len = 1; len <= kMaxLength; ++len) {
      next <<= 1;
      first[len] = next;
      offset[len] = position;
      std::uint32_t c = next;
      for (unsigned s = 0; s < 257; ++s)
        if (kCodeLength[s] == len) {
          code[s] = c++;
          symbols[position++] = static_cast<std::uint16_t>(s);
        }
      next = c;
    }
  }
};

const CanonicalCode& canonical() {
  static const CanonicalCode table;
  return table;
}

}  // namespace

std::optional<std::string> huffman_decode(std::string_view encoded) {
  const auto& t = canonical();
  std::string out;
  out.reserve(encoded.size() * 8 / 5);
  std::uint32_t code = 0;
  unsigned len = 0;
  bool all_ones = true;  // whether the bits since the last symbol are all 1 (EOS prefix = padding)
  for (const char byte : encoded) {
    for (int bit = 7; bit >= 0; --bit) {
      const unsigned b = (static_cast<unsigned char>(byte) >> bit) & 1u;
      code = (code << 1) | b;
      ++len;
      all_ones = all_ones && b == 1;
      if (code - t.first[len] < t.count[len]) {
        const unsigned symbol = t.symbols[t.offset[len] + (code - t.first[len])];
        if (symbol == kEos) return std::nullopt;  // RFC 7541 5.2: EOS in a string is an error
        out.push_back(static_cast<char>(symbol));
        code = 0;
        len = 0;
        all_ones = true;
      } else if (len >= kMaxLength) {
        return std::nullopt;  // unreachable for a complete code; kept as a bound
      }
    }
  }
  // Padding: fewer than 8 bits, the most significant bits of EOS (all ones).
  if (len > 7 || !all_ones) return std::nullopt;
  return out;
}

std::string huffman_encode(std::string_view text) {
  const auto& t = canonical();
  std::string out;
  std::uint64_t bits = 0;
  unsigned pending = 0;
  for (const char ch : text) {
    const unsigned s = static_cast<unsigned char>(ch);
    bits = (bits << kCodeLength[s]) | t.code[s];
    pending += kCodeLength[s];
    while (pending >= 8) {
      pending -= 8;
      out.push_back(static_cast<char>((bits >> pending) & 0xffu));
    }
  }
  if (pending > 0) out.push_back(static_cast<char>(((bits << (8 - pending)) | (0xffu >> pending)) & 0xffu));
  return out;
}

}  // namespace fakes::consul::hpack
