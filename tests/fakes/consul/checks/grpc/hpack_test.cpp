// HPACK as RFC 7541 specifies it: the integer examples of C.1, the header field examples of
// C.2, the request and response sequences of C.3-C.6 (dynamic table contents and sizes after
// each block, eviction at a 256-byte table, Huffman), and the errors a peer can cause.
#include <gtest/gtest.h>

#include "fakes/consul/checks/grpc/hpack.hpp"
#include "fakes/consul/checks/grpc/hpack_huffman.hpp"

namespace fakes::consul::hpack {
namespace {

std::string from_hex(std::string_view hex) {
  std::string out;
  int high = -1;
  for (char c : hex) {
    if (c == ' ' || c == '\n') continue;
    const int v = c <= '9' ? c - '0' : c - 'a' + 10;
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<char>(high * 16 + v));
      high = -1;
    }
  }
  return out;
}

using Fields = std::vector<HeaderField>;
void expect_table(const Decoder& d, const Fields& newest_first, std::size_t size) {
  EXPECT_EQ(Fields(d.dynamic_table().begin(), d.dynamic_table().end()), newest_first);
  EXPECT_EQ(d.table_size(), size);
}

Fields decoded(Decoder& d, std::string_view hex) {
  auto r = d.decode(from_hex(hex));
  EXPECT_EQ(r.error, "") << hex;
  return r.headers;
}

TEST(HpackInteger, EncodesTheRfcExamples) {
  std::string out;
  encode_integer(out, 10, 5, 0);  // C.1.1
  EXPECT_EQ(out, from_hex("0a"));
  out.clear();
  encode_integer(out, 1337, 5, 0);  // C.1.2
  EXPECT_EQ(out, from_hex("1f9a0a"));
  out.clear();
  encode_integer(out, 42, 8, 0);  // C.1.3
  EXPECT_EQ(out, from_hex("2a"));
}

TEST(HpackHuffman, KnownCodesPaddingAndEveryByteRoundTrips) {
  // '0' is 00000 and 'a' 00011 (5 bits each); the rest of the byte is EOS padding (ones).
  EXPECT_EQ(huffman_encode("0"), from_hex("07"));
  EXPECT_EQ(huffman_encode("a"), from_hex("1f"));
  // Byte 0 is the 13-bit 0x1ff8, byte 255 the 26-bit 0x3ffffee (RFC 7541 Appendix B).
  EXPECT_EQ(huffman_encode(std::string(1, '\0')), from_hex("ffc7"));
  EXPECT_EQ(huffman_encode("\xff"), from_hex("fffffbbf"));
  EXPECT_EQ(huffman_decode(from_hex("f1e3c2e5f23a6ba0ab90f4ff")), "www.example.com");  // C.4.1

  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  EXPECT_EQ(huffman_decode(huffman_encode(all)), all);
  EXPECT_EQ(huffman_decode(""), "");

  EXPECT_EQ(huffman_decode(from_hex("ffffffff")), std::nullopt) << "EOS (30 ones) inside the string";
  EXPECT_EQ(huffman_decode(from_hex("1fff")), std::nullopt) << "padding longer than 7 bits";
  EXPECT_EQ(huffman_decode(from_hex("18")), std::nullopt) << "padding that is not ones";
}

// Codes from RFC 7541 Appendix B across every length class: a wrong length in the table shifts
// the codes after it, which the round trip above cannot see.
TEST(HpackHuffman, CodesMatchAppendixB) {
  struct Code {
    int symbol;
    std::uint32_t code;
    unsigned bits;
  };
  for (const Code c : {Code{0, 0x1ff8, 13}, Code{10, 0x3ffffffc, 30}, Code{32, 0x14, 6}, Code{48, 0x0, 5},
                       Code{97, 0x3, 5}, Code{126, 0x1ffd, 13}, Code{127, 0xffffffc, 28}, Code{128, 0xfffe6, 20},
                       Code{175, 0x7fffec, 23}, Code{200, 0x3ffffe2, 26}, Code{230, 0x1fffe8, 21},
                       Code{249, 0xffffffe, 28}, Code{255, 0x3ffffee, 26}}) {
    // The code, then ones up to the byte boundary.
    const unsigned padded = (c.bits + 7) / 8 * 8;
    const std::uint64_t bits = (static_cast<std::uint64_t>(c.code) << (padded - c.bits)) | ((1u << (padded - c.bits)) - 1);
    std::string expected;
    for (int shift = static_cast<int>(padded) - 8; shift >= 0; shift -= 8) expected.push_back(static_cast<char>((bits >> shift) & 0xff));
    EXPECT_EQ(huffman_encode(std::string(1, static_cast<char>(c.symbol))), expected) << "symbol " << c.symbol;
    EXPECT_EQ(huffman_decode(expected), std::string(1, static_cast<char>(c.symbol))) << "symbol " << c.symbol;
  }
}

TEST(HpackDecoder, HeaderFieldExamplesOfC2) {
  Decoder d;
  EXPECT_EQ(decoded(d, "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"),
            (Fields{{"custom-key", "custom-header"}}));
  expect_table(d, {{"custom-key", "custom-header"}}, 55);

  Decoder d2;
  EXPECT_EQ(decoded(d2, "040c 2f73 616d 706c 652f 7061 7468"), (Fields{{":path", "/sample/path"}}));
  expect_table(d2, {}, 0);
  EXPECT_EQ(decoded(d2, "1008 7061 7373 776f 7264 0673 6563 7265 74"), (Fields{{"password", "secret"}}));
  expect_table(d2, {}, 0);
  EXPECT_EQ(decoded(d2, "82"), (Fields{{":method", "GET"}}));
}

// C.3 (plain) and C.4 (Huffman) send the same three requests into one 4096-byte table.
void requests(const std::array<const char*, 3>& blocks) {
  Decoder d;
  EXPECT_EQ(decoded(d, blocks[0]),
            (Fields{{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {":authority", "www.example.com"}}));
  expect_table(d, {{":authority", "www.example.com"}}, 57);
  EXPECT_EQ(decoded(d, blocks[1]), (Fields{{":method", "GET"},
                                           {":scheme", "http"},
                                           {":path", "/"},
                                           {":authority", "www.example.com"},
                                           {"cache-control", "no-cache"}}));
  expect_table(d, {{"cache-control", "no-cache"}, {":authority", "www.example.com"}}, 110);
  EXPECT_EQ(decoded(d, blocks[2]), (Fields{{":method", "GET"},
                                           {":scheme", "https"},
                                           {":path", "/index.html"},
                                           {":authority", "www.example.com"},
                                           {"custom-key", "custom-value"}}));
  expect_table(d, {{"custom-key", "custom-value"}, {"cache-control", "no-cache"}, {":authority", "www.example.com"}}, 164);
}

TEST(HpackDecoder, RequestsWithoutHuffmanOfC3) {
  requests({"8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d", "8286 84be 5808 6e6f 2d63 6163 6865",
            "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65"});
}

TEST(HpackDecoder, RequestsWithHuffmanOfC4) {
  requests({"8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff", "8286 84be 5886 a8eb 1064 9cbf",
            "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"});
}

// C.5 (plain) and C.6 (Huffman): three responses into a 256-byte table, which evicts.
void responses(const std::array<const char*, 3>& blocks) {
  const std::string date1 = "Mon, 21 Oct 2013 20:13:21 GMT", date2 = "Mon, 21 Oct 2013 20:13:22 GMT";
  const std::string url = "https://www.example.com";
  const std::string cookie = "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";
  Decoder d(256);
  EXPECT_EQ(decoded(d, blocks[0]),
            (Fields{{":status", "302"}, {"cache-control", "private"}, {"date", date1}, {"location", url}}));
  expect_table(d, {{"location", url}, {"date", date1}, {"cache-control", "private"}, {":status", "302"}}, 222);
  EXPECT_EQ(decoded(d, blocks[1]),
            (Fields{{":status", "307"}, {"cache-control", "private"}, {"date", date1}, {"location", url}}));
  expect_table(d, {{":status", "307"}, {"location", url}, {"date", date1}, {"cache-control", "private"}}, 222);
  EXPECT_EQ(decoded(d, blocks[2]), (Fields{{":status", "200"},
                                           {"cache-control", "private"},
                                           {"date", date2},
                                           {"location", url},
                                           {"content-encoding", "gzip"},
                                           {"set-cookie", cookie}}));
  expect_table(d, {{"set-cookie", cookie}, {"content-encoding", "gzip"}, {"date", date2}}, 215);
}

TEST(HpackDecoder, ResponsesWithoutHuffmanOfC5) {
  responses({"4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 "
             "3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
             "4803 3330 37c1 c0bf",
             "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 "
             "7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 "
             "6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31"});
}

TEST(HpackDecoder, ResponsesWithHuffmanOfC6) {
  responses({"4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad "
             "1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
             "4883 640e ffc1 c0bf",
             "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 "
             "e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07"});
}

TEST(HpackDecoder, TableSizeUpdateEvictsAndIsBoundedByTheSetting) {
  Decoder d;
  decoded(d, "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d");
  ASSERT_EQ(d.table_size(), 57u);
  // Size update to 0 at the start of a block empties the table; index 62 is then gone.
  EXPECT_EQ(decoded(d, "20 82"), (Fields{{":method", "GET"}}));
  expect_table(d, {}, 0);
  EXPECT_NE(d.decode(from_hex("be")).error.find("index 62 is not in the table"), std::string::npos);

  Decoder small(256);
  EXPECT_NE(small.decode(from_hex("3fe11f")).error.find("exceeds the advertised 256"), std::string::npos)
      << "a size update to 4096 above SETTINGS_HEADER_TABLE_SIZE";
  Decoder late;
  EXPECT_NE(late.decode(from_hex("82 20")).error.find("after a header field"), std::string::npos);
}

TEST(HpackDecoder, EntryLargerThanTheTableEmptiesIt) {
  Decoder d(64);
  decoded(d, "4001 61 01 62");  // a: b, 34 bytes
  ASSERT_EQ(d.table_size(), 34u);
  // 40-byte name and value: 72 bytes > 64, so the table ends up empty (RFC 7541 4.4).
  std::string block = from_hex("40");
  encode_integer(block, 20, 7, 0);
  block += std::string(20, 'n');
  encode_integer(block, 20, 7, 0);
  block += std::string(20, 'v');
  const auto r = d.decode(block);
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.headers, (Fields{{std::string(20, 'n'), std::string(20, 'v')}}));
  expect_table(d, {}, 0);
}

TEST(HpackDecoder, MalformedBlocksAreErrorsNamingTheProblem) {
  auto error_of = [](std::string_view hex) { return Decoder().decode(from_hex(hex)).error; };
  EXPECT_NE(error_of("80").find("index 0"), std::string::npos);
  EXPECT_NE(error_of("ff00").find("is not in the table"), std::string::npos);  // index 127+0
  EXPECT_NE(error_of("0003 6162").find("runs past the block"), std::string::npos);
  EXPECT_NE(error_of("00").find("truncated string"), std::string::npos);
  EXPECT_NE(error_of("0081 ff").find("Huffman"), std::string::npos);
  EXPECT_NE(error_of("ffffffffffff7f").find("bad index"), std::string::npos) << "an integer past 2^32";
  EXPECT_NE(error_of("ff").find("bad index"), std::string::npos) << "truncated integer";
  // A block decoding to more than the header list limit is refused, not buffered.
  Decoder bounded(4096, 100);
  std::string block;
  for (int i = 0; i < 4; ++i) encode_literal(block, "name", "value");
  EXPECT_NE(bounded.decode(block).error.find("header list larger than 100 bytes"), std::string::npos);
  // Errors leave no half list behind.
  EXPECT_TRUE(bounded.decode(block).headers.empty());
}

TEST(HpackEncoder, LiteralsDecodeBack) {
  std::string block;
  encode_literal(block, ":path", "/grpc.health.v1.Health/Check");
  encode_literal(block, "x-long", std::string(300, 'z'));  // a length past the 7-bit prefix
  Decoder d;
  const auto r = d.decode(block);
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.headers, (Fields{{":path", "/grpc.health.v1.Health/Check"}, {"x-long", std::string(300, 'z')}}));
  expect_table(d, {}, 0);  // without indexing
}

}  // namespace
}  // namespace fakes::consul::hpack
