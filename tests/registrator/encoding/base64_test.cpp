#include "registrator/encoding/base64.hpp"

#include <gtest/gtest.h>

namespace {

using registrator::base64_decode;
using registrator::base64_encode;

TEST(Base64, EncodesWithPaddingAsRfc4648) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("/services/web/host1:web:80"), "L3NlcnZpY2VzL3dlYi9ob3N0MTp3ZWI6ODA=");
}

TEST(Base64, DecodesWhatItEncodesIncludingBinaryBytes) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  for (std::size_t n = 0; n <= bytes.size(); n += 37) EXPECT_EQ(base64_decode(base64_encode(bytes.substr(0, n))), bytes.substr(0, n));
}

TEST(Base64, RejectsWhatIsNotPaddedBase64) {
  EXPECT_FALSE(base64_decode("Zg="));    // length not a multiple of 4
  EXPECT_FALSE(base64_decode("Z*=="));   // outside the alphabet
  EXPECT_FALSE(base64_decode("Z==="));   // padding in the second place
  EXPECT_FALSE(base64_decode("Zg==Zm8=")); // padding before the end
  EXPECT_FALSE(base64_decode("Zg=v"));   // data after padding
}

}  // namespace
