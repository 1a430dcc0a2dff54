// /v1/event/fire and /v1/event/list as an application using Consul's user events sees them:
// the fired event, the agent's list (filtered by name, the last 256), which agents the node,
// service and tag filters let it reach, Consul's refusals, and the list as a blocking query
// on the last event's ID.
#include "tests/fakes/consul/endpoints/api_fixture.hpp"

#include "registrator/encoding/base64.hpp"

#include <future>
#include <regex>

namespace consul_test {
namespace {

using ConsulEventTest = ConsulApiTest;

TEST_F(ConsulEventTest, FireAnswersTheEventAndTheAgentListsIt) {
  auto fired = put("/v1/event/fire/deploy", "v1.2");
  ASSERT_EQ(fired.status, 200u) << fired.body;
  const json e = json::parse(fired.body);
  EXPECT_TRUE(std::regex_match(e["ID"].get<std::string>(),
                               std::regex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")));
  EXPECT_EQ(keys_of(e), (std::set<std::string>{"ID", "Name", "Payload", "NodeFilter", "ServiceFilter", "TagFilter",
                                                "Version", "LTime"}));
  EXPECT_EQ(e["Name"], "deploy");
  EXPECT_EQ(e["Payload"], registrator::base64_encode("v1.2"));
  EXPECT_EQ(e["Version"], 1);
  EXPECT_EQ(e["LTime"], 0);  // as fired; the agents' copies carry the Lamport time

  ASSERT_EQ(put("/v1/event/fire/restart").status, 200u);
  auto list = get("/v1/event/list");
  ASSERT_EQ(list.status, 200u);
  const json events = json::parse(list.body);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0]["ID"], e["ID"]);
  EXPECT_EQ(events[0]["Payload"], registrator::base64_encode("v1.2"));
  EXPECT_EQ(events[1]["Name"], "restart");
  EXPECT_EQ(events[1]["Payload"], nullptr);
  EXPECT_LT(events[0]["LTime"].get<std::uint64_t>(), events[1]["LTime"].get<std::uint64_t>());
  EXPECT_NE(list.header("x-consul-index"), "");

  const json deploys = get_json("/v1/event/list?name=deploy");
  ASSERT_EQ(deploys.size(), 1u);
  EXPECT_EQ(deploys[0]["Name"], "deploy");
  auto none = get("/v1/event/list?name=nothing");
  EXPECT_EQ(none.body, "[]");
  EXPECT_EQ(none.header("x-consul-index"), "1");
}

TEST_F(ConsulEventTest, FiltersDecideWhetherTheAgentReceivesIt) {
  ASSERT_EQ(put("/v1/agent/service/register", R"({"ID":"web1","Name":"web","Tags":["blue"],"Port":80})").status, 200u);
  for (const char* query : {"node=node1", "node=^node", "service=web", "service=we", "service=web&tag=blu"})
    EXPECT_EQ(json::parse(put(std::string("/v1/event/fire/in?") + query).body)["Name"], "in") << query;
  for (const char* query : {"node=other", "service=db", "service=web&tag=red"})
    EXPECT_EQ(put(std::string("/v1/event/fire/out?") + query).status, 200u) << query;
  EXPECT_EQ(get_json("/v1/event/list?name=in").size(), 5u);
  EXPECT_EQ(get_json("/v1/event/list?name=out").size(), 0u);
  const json fired = json::parse(put("/v1/event/fire/x?node=node1&service=web&tag=blue").body);
  EXPECT_EQ(fired["NodeFilter"], "node1");
  EXPECT_EQ(fired["ServiceFilter"], "web");
  EXPECT_EQ(fired["TagFilter"], "blue");
}

TEST_F(ConsulEventTest, BadFiresGetConsulsStatusAndTextAndListNothing) {
  const struct {
    std::string target;
    std::string body;
    unsigned status;
    std::string text;
  } cases[] = {
      {"/v1/event/fire/", "", 400, "Missing name"},
      {"/v1/event/fire/e?tag=blue", "", 500, "Cannot provide tag filter without service filter"},
      {"/v1/event/fire/e?node=(", "", 500, "Invalid node filter: error parsing regexp: missing closing ): `(`"},
      {"/v1/event/fire/e?service=a)", "", 500, "Invalid service filter: error parsing regexp: unexpected ): `a)`"},
      {"/v1/event/fire/e?service=web&tag=[a", "", 500, "Invalid tag filter: error parsing regexp: missing closing ]: `[a`"},
      {"/v1/event/fire/e", std::string(600, 'x'), 500, "user event exceeds configured limit of 512 bytes before encoding"},
      {"/v1/event/fire/e?dc=nowhere", "", 500, "No path to datacenter"},
  };
  for (const auto& c : cases) {
    auto res = put(c.target, c.body);
    EXPECT_EQ(res.status, c.status) << c.target;
    EXPECT_EQ(res.body, c.text) << c.target;
  }
  EXPECT_EQ(get("/v1/event/fire/e").status, 405u);
  EXPECT_EQ(put("/v1/event/list").status, 405u);
  EXPECT_EQ(get("/v1/event/list?index=x").status, 400u);
  EXPECT_EQ(get("/v1/event/list").body, "[]");
  EXPECT_EQ(put("/v1/event/fire/e", std::string(300, 'x')).status, 200u);  // within the limit
}

TEST_F(ConsulEventTest, TheAgentKeepsItsLast256Events) {
  for (int i = 0; i < 260; ++i) ASSERT_EQ(put("/v1/event/fire/e" + std::to_string(i)).status, 200u);
  const json events = get_json("/v1/event/list");
  ASSERT_EQ(events.size(), 256u);
  EXPECT_EQ(events.front()["Name"], "e4");
  EXPECT_EQ(events.back()["Name"], "e259");
}

TEST_F(ConsulEventTest, BlockingListAnswersWhenTheNextEventArrives) {
  ASSERT_EQ(put("/v1/event/fire/first").status, 200u);
  const std::string index = get("/v1/event/list").header("x-consul-index");
  // Nothing new: the query waits out its wait and answers the same index.
  EXPECT_EQ(get("/v1/event/list?index=" + index + "&wait=100ms").header("x-consul-index"), index);
  auto waiting = std::async(std::launch::async, [&] { return get("/v1/event/list?index=" + index + "&wait=30s"); });
  ASSERT_EQ(put("/v1/event/fire/second").status, 200u);
  auto changed = waiting.get();
  EXPECT_NE(changed.header("x-consul-index"), index);
  EXPECT_EQ(json::parse(changed.body).size(), 2u);
}

}  // namespace
}  // namespace consul_test
