#include "fakes/common/url.hpp"

#include <gtest/gtest.h>

using fakes::http::parse_target;

TEST(ParseTarget, DecodesPathAndQuery) {
  auto t = parse_target("/v1/agent/service/deregister/host%3Aweb5%3A80?token=a%20b&passing&x=1+2");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/v1/agent/service/deregister/host:web5:80");
  EXPECT_EQ(t->get("token"), "a b");
  EXPECT_TRUE(t->has("passing"));
  EXPECT_EQ(t->get("x"), "1 2");
  EXPECT_EQ(t->get("missing", "dflt"), "dflt");
}

TEST(ParseTarget, RejectsBadEscapes) {
  EXPECT_FALSE(parse_target("/a%zz"));
  EXPECT_FALSE(parse_target("/a%2"));
  EXPECT_FALSE(parse_target("/a?k=%"));
}

TEST(PercentEncode, RoundTrips) {
  std::string raw = "host:web5:80/ä x";
  auto enc = fakes::http::percent_encode(raw);
  EXPECT_EQ(enc.find(':'), std::string::npos);
  EXPECT_EQ(*fakes::http::percent_decode(enc), raw);
}
