// How reads are answered (responses/): blocking queries wait for a change or the wait, and a
// rendered answer is reused only until the next write.
#include "tests/fakes/consul/endpoints/api_fixture.hpp"

namespace consul_test {
namespace {

using namespace std::chrono_literals;

TEST_F(ConsulApiTest, BlockingQueryReturnsOnChangeWithNewIndex) {
  auto first = get("/v1/catalog/service/valami");
  const std::string index = first.header("x-consul-index");
  ASSERT_FALSE(index.empty());
  auto pending = std::async(std::launch::async, [&] {
    return get("/v1/catalog/service/valami?index=" + index + "&wait=30s", {}, 40s);
  });
  // Register only once the query is parked, so it must be the change that wakes it.
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (fake_->state()["ParkedQueries"] != 1 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  ASSERT_EQ(fake_->state()["ParkedQueries"], 1);
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(put("/v1/agent/service/register", R"({"ID":"v1","Name":"valami","Port":80})").status, 200u);
  ASSERT_EQ(pending.wait_for(10s), std::future_status::ready);
  auto res = pending.get();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
  EXPECT_EQ(res.status, 200u);
  EXPECT_GT(std::stoull(res.header("x-consul-index")), std::stoull(index));
  EXPECT_EQ(json::parse(res.body).size(), 1u);
}

TEST_F(ConsulApiTest, BlockingQueryReturnsAfterWaitWithSameIndex) {
  const std::string index = get("/v1/health/service/web").header("x-consul-index");
  const auto started = std::chrono::steady_clock::now();
  auto res = get("/v1/health/service/web?index=" + index + "&wait=300ms");
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(res.status, 200u);
  EXPECT_EQ(res.header("x-consul-index"), index);
  EXPECT_EQ(res.body, "[]");
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 5s);
  EXPECT_EQ(get("/v1/health/service/web?index=abc").body, "Invalid index");
  EXPECT_EQ(get("/v1/health/service/web?index=1&wait=soon").body, "Invalid wait time");
}

// Read answers are reused until the catalog's next write: every kind of write must show in the
// very next read of the same URL.
TEST_F(ConsulApiTest, RepeatedReadsFollowEveryWrite) {
  const std::string url = "/v1/health/service/web?passing";
  ASSERT_EQ(put("/v1/agent/service/register",
                R"({"ID":"a","Name":"web","Port":80,"Check":{"TTL":"30s","Status":"passing"}})").status,
            200u);
  EXPECT_EQ(get_json(url).size(), 1u);
  EXPECT_EQ(get_json(url).size(), 1u);  // served again from the rendered answer
  ASSERT_EQ(put("/v1/agent/service/register", R"({"ID":"b","Name":"web","Port":81})").status, 200u);
  EXPECT_EQ(get_json(url).size(), 2u) << "a registration";
  ASSERT_EQ(put("/v1/agent/check/fail/service:a").status, 200u);
  EXPECT_EQ(get_json(url).size(), 1u) << "a check status";
  EXPECT_EQ(put("/_fake/check/service:a?status=passing").status, 200u);
  EXPECT_EQ(get_json(url).size(), 2u) << "a forced check status";
  ASSERT_EQ(put("/v1/agent/service/maintenance/b?enable=true").status, 200u);
  EXPECT_EQ(get_json(url).size(), 1u) << "maintenance";
  ASSERT_EQ(put("/v1/agent/service/deregister/a").status, 200u);
  EXPECT_EQ(get_json(url).size(), 0u) << "a deregistration";
  EXPECT_EQ(get_json("/v1/catalog/service/web").size(), 1u);
  EXPECT_EQ(get_json("/v1/catalog/service/web?tag=x").size(), 0u) << "another question, another answer";
}

}  // namespace
}  // namespace consul_test
