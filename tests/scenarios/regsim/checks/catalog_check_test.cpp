// Catalog comparison: what a user reads when the catalog is not what the scenario expects.
#include "scenarios/regsim/checks/catalog_check.hpp"

#include <gtest/gtest.h>

namespace regsim {
namespace {

using nlohmann::json;

json entry(const std::string& id, const std::string& address, int port, const std::string& name = "valami") {
  return {{"Node", "node1"}, {"Address", "127.0.0.1"}, {"ServiceID", id}, {"ServiceName", name},
          {"ServiceAddress", address}, {"ServicePort", port}, {"ServiceTags", json::array()}};
}

const json seed_catalog = json::array({entry("host1:web5:80", "172.17.0.3", 80), entry("host1:web5:443", "172.17.0.3", 443)});
const std::vector<json> seed_expected = {
    {{"Node", "node1"}, {"ServiceID", "host1:web5:80"}, {"ServiceAddress", "172.17.0.3"}, {"ServicePort", 80}},
    {{"Node", "node1"}, {"ServiceID", "host1:web5:443"}, {"ServiceAddress", "172.17.0.3"}, {"ServicePort", 443}}};

TEST(CatalogCheck, ExactMatchPasses) {
  const auto r = compare_catalog(seed_expected, MatchMode::exactly, seed_catalog);
  EXPECT_TRUE(r.held) << r.detail;
  EXPECT_EQ(r.detail, "2 entries as expected");
}

TEST(CatalogCheck, EtcdKeysPairByKeyAndNameTheValue) {
  const json keys = json::array({{{"Key", "/services/web/host1:web:80"}, {"Value", "10.0.0.1:7302"}, {"LeaseTTL", 3}},
                                 {{"Key", "/services/web/host2:web:80"}, {"Value", "10.0.0.2:7301"}}});
  const std::vector<json> expected = {{{"Key", "/services/web/host1:web:80"}, {"Value", "10.0.0.1:7301"}}};
  const auto r = compare_entries(expected, MatchMode::exactly, keys, "Key");
  EXPECT_FALSE(r.held);
  EXPECT_EQ(r.detail,
            "expected 1 entry, got 2: entry Key=/services/web/host1:web:80: Value expected \"10.0.0.1:7301\", got "
            "\"10.0.0.1:7302\"; unexpected entry Key=/services/web/host2:web:80 Value=\"10.0.0.2:7301\"");
  EXPECT_TRUE(compare_entries(expected, MatchMode::contains,
                              json::array({{{"Key", "/services/web/host1:web:80"}, {"Value", "10.0.0.1:7301"}}}), "Key")
                  .held);
}

TEST(CatalogCheck, OrderDoesNotMatter) {
  const json reversed = json::array({seed_catalog[1], seed_catalog[0]});
  EXPECT_TRUE(compare_catalog(seed_expected, MatchMode::exactly, reversed).held);
}

TEST(CatalogCheck, WrongFieldNamesEntryFieldAndBothValues) {
  auto expected = seed_expected;
  expected[0]["ServicePort"] = 81;
  const auto r = compare_catalog(expected, MatchMode::exactly, seed_catalog);
  EXPECT_FALSE(r.held);
  EXPECT_EQ(r.detail, "entry ServiceID=host1:web5:80: ServicePort expected 81, got 80");
}

TEST(CatalogCheck, StringFieldsAreQuotedSoTypesAreVisible) {
  auto expected = seed_expected;
  expected[1]["ServicePort"] = "443";
  expected[1]["ServiceAddress"] = "172.17.0.9";
  const auto r = compare_catalog(expected, MatchMode::exactly, seed_catalog);
  EXPECT_EQ(r.detail,
            "entry ServiceID=host1:web5:443: ServiceAddress expected \"172.17.0.9\", got \"172.17.0.3\"; "
            "ServicePort expected \"443\", got 443");
}

TEST(CatalogCheck, MissingEntryIsNamed) {
  const auto r = compare_catalog(seed_expected, MatchMode::exactly, json::array({seed_catalog[0]}));
  EXPECT_FALSE(r.held);
  EXPECT_EQ(r.detail, "expected 2 entries, got 1: missing entry ServiceID=host1:web5:443");
}

TEST(CatalogCheck, UnexpectedEntryIsNamedWithItsAddressAndPort) {
  json actual = seed_catalog;
  actual.push_back(entry("host1:web6:80", "172.17.0.4", 80));
  const auto r = compare_catalog(seed_expected, MatchMode::exactly, actual);
  EXPECT_FALSE(r.held);
  EXPECT_EQ(r.detail,
            "expected 2 entries, got 3: unexpected entry ServiceID=host1:web6:80 ServiceAddress=\"172.17.0.4\" "
            "ServicePort=80");
}

TEST(CatalogCheck, ContainsIgnoresOtherEntries) {
  json actual = seed_catalog;
  actual.push_back(entry("host1:web6:80", "172.17.0.4", 80));
  const auto r = compare_catalog({seed_expected[0]}, MatchMode::contains, actual);
  EXPECT_TRUE(r.held) << r.detail;
  EXPECT_EQ(r.detail, "the 1 entry expected present (3 in total)");
}

TEST(CatalogCheck, EmptyExpectation) {
  EXPECT_EQ(compare_catalog({}, MatchMode::exactly, json::array()).detail, "no entries, as expected");
  const auto r = compare_catalog({}, MatchMode::exactly, seed_catalog);
  EXPECT_FALSE(r.held);
  EXPECT_EQ(r.detail.rfind("expected 0 entries, got 2: unexpected entry ServiceID=host1:web5:80", 0), 0u) << r.detail;
}

TEST(CatalogCheck, EntriesWithoutServiceIdPairWithTheClosestEntry) {
  const std::vector<json> expected = {{{"ServiceAddress", "10.186.150.172"}, {"ServicePort", 7680}},
                                      {{"ServiceAddress", "10.186.150.173"}, {"ServicePort", 7681}}};
  const json actual = json::array({entry("host2:web6:80", "10.186.150.173", 7680), entry("host1:web5:80", "10.186.150.172", 7680)});
  const auto r = compare_catalog(expected, MatchMode::exactly, actual);
  EXPECT_FALSE(r.held);
  EXPECT_EQ(r.detail,
            "entry {ServiceAddress=\"10.186.150.173\" ServicePort=7681}: ServicePort expected 7681, got 7680");
}

TEST(CatalogCheck, AbsentFieldIsSaidSo) {
  const auto r = compare_catalog({{{"ServiceID", "host1:web5:80"}, {"ServiceMeta", {{"a", "b"}}}}}, MatchMode::contains,
                                 seed_catalog);
  EXPECT_EQ(r.detail, "entry ServiceID=host1:web5:80: ServiceMeta expected {\"a\":\"b\"}, got nothing (no such field)");
}

TEST(CatalogCheck, NonListAnswerIsReported) {
  const auto r = compare_catalog(seed_expected, MatchMode::exactly, json::object());
  EXPECT_FALSE(r.held);
  EXPECT_EQ(r.detail, "the registry answered {} instead of a list");
}

}  // namespace
}  // namespace regsim
