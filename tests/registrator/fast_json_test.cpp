// fast_json gives exactly nlohmann's document for what it accepts, and declines (nullopt) what
// nlohmann rejects or what it leaves to nlohmann, so callers keep nlohmann's errors.
#include <gtest/gtest.h>

#include "registrator/fast_json.hpp"

namespace {

using nlohmann::json;
namespace fj = registrator::fast_json;

// Same value and same number kinds (unsigned/signed), recursively.
void expect_same(const json& a, const json& b, const std::string& where) {
  ASSERT_EQ(a.type(), b.type()) << where;
  ASSERT_EQ(a, b) << where;
  if (a.is_object())
    for (auto it = a.begin(); it != a.end(); ++it) expect_same(it.value(), b.at(it.key()), where + "." + it.key());
  if (a.is_array())
    for (std::size_t i = 0; i < a.size(); ++i) expect_same(a[i], b[i], where + "[" + std::to_string(i) + "]");
}

TEST(RegistratorFastJson, GivesNlohmannsDocument) {
  const std::vector<std::string> docs = {
      R"({})",
      R"( [ ] )",
      R"({"Id":"abc","Config":{"Env":["A=1","SERVICE_NAME=web"],"Labels":{"x":"y"},"ExposedPorts":{"80/tcp":{}}}})",
      R"({"n":0,"m":-1,"big":18446744073709551615,"neg":-9223372036854775808,"t":true,"f":false,"z":null})",
      R"({"esc":"a\"b\\c\/d\b\f\n\r\t","u":"\u003c\u0026\u00e9\u20ac\ud83d\ude00"})",
      R"({"dup":1,"dup":"second"})",
      "\t\r\n{\"a\" : [ 1 , { \"b\" : [ ] } ] }\n",
      R"({"NetworkSettings":{"Ports":{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"32768"}],"81/udp":null}}})",
  };
  for (const auto& d : docs) {
    auto fast = fj::parse(d);
    ASSERT_TRUE(fast.has_value()) << d;
    expect_same(*fast, json::parse(d), d);
  }
}

TEST(RegistratorFastJson, DeclinesWhatNlohmannRejects) {
  for (const std::string& bad : std::vector<std::string>{"", "   ", "{", "{\"a\":}", "{\"a\" 1}", "[1,]", "[1 2]", "{\"a\":1,}", "tru", "nul",
                          "01", "-", "--1", "\"abc", "\"a\\x\"", "\"\\u12\"", "\"\\udc00\"", "\"\\ud800x\"",
                          std::string("\"a\x01\""), "{} {}", "[1]]", "{'a':1}"}) {
    EXPECT_FALSE(fj::parse(bad).has_value()) << bad;
    EXPECT_THROW(json::parse(bad).is_null(), json::parse_error) << bad;
  }
}

TEST(RegistratorFastJson, LeavesFractionsHugeIntegersNonAsciiAndDeepNestingToNlohmann) {
  for (const std::string& text : std::vector<std::string>{"1.5", "1e3", "[18446744073709551616]", "[-9223372036854775809]", "\"caf\xc3\xa9\"",
                           std::string(300, '[') + std::string(300, ']')}) {
    EXPECT_FALSE(fj::parse(text).has_value()) << text;
    EXPECT_NO_THROW(json::parse(text).is_null()) << text;
  }
}

TEST(RegistratorFastJson, ArrayIdsKeepsEachElementsLastStringId) {
  auto ids = fj::array_ids(
      R"([{"Id":"a","Names":["/x"],"Ports":[{"PrivatePort":80}]},{"Names":[]},{"Id":"b","Id":"c"},{"Id":5},{"Id":"d","Id":null},3,"s"])");
  ASSERT_TRUE(ids.has_value());
  EXPECT_EQ(*ids, (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(fj::array_ids("[]"), std::vector<std::string>{});
  EXPECT_FALSE(fj::array_ids(R"({"Id":"a"})").has_value()) << "not an array";
  EXPECT_FALSE(fj::array_ids(R"([{"Id":"a"})").has_value()) << "truncated";
  EXPECT_FALSE(fj::array_ids(R"([{"Id":"a"}] x)").has_value()) << "trailing garbage";
}

}  // namespace
