// /v1/query as Consul's prepared query endpoints answer it: create, read, list, update and
// delete with Consul's validation texts, refusals that leave the table as it was, unknown IDs
// and names with Consul's 404 and 500 texts, and ?dc= reaching another datacenter's table.
#include "tests/fakes/consul/queries/query_fixture.hpp"

#include <regex>

namespace consul_test {
namespace {

const std::string kWebQuery = R"({"Name":"webq","Service":{"Service":"web","Tags":["primary"]},"DNS":{"TTL":"10s"}})";

std::set<std::string> keys_of(const json& object) {
  std::set<std::string> out;
  for (auto it = object.begin(); it != object.end(); ++it) out.insert(it.key());
  return out;
}

class QueryApiTest : public QueryFixture {};

TEST_F(QueryApiTest, CreateReadListUpdateDelete) {
  const std::string id = create(kWebQuery);
  EXPECT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"))) << id;

  auto read = get("/v1/query/" + id);
  ASSERT_EQ(read.status, 200u) << read.body;
  const json queries = json::parse(read.body);
  ASSERT_EQ(queries.size(), 1u);
  const json& q = queries[0];
  EXPECT_EQ(keys_of(q), (std::set<std::string>{"ID", "Name", "Session", "Token", "Template", "Service", "DNS",
                                               "CreateIndex", "ModifyIndex"}));
  EXPECT_EQ(q["ID"], id);
  EXPECT_EQ(q["Name"], "webq");
  EXPECT_EQ(q["Service"]["Service"], "web");
  EXPECT_EQ(q["Service"]["Tags"], json::array({"primary"}));
  EXPECT_EQ(q["Service"]["Failover"], json({{"NearestN", 0}, {"Datacenters", nullptr}, {"Targets", nullptr}}));
  EXPECT_EQ(q["Service"]["NodeMeta"], nullptr) << "a field left out reads back null, as Go's nil map";
  EXPECT_EQ(q["DNS"]["TTL"], "10s");
  EXPECT_EQ(q["CreateIndex"], q["ModifyIndex"]);
  EXPECT_EQ(read.header("x-consul-index"), std::to_string(q["ModifyIndex"].get<std::uint64_t>()));

  auto listed = get_json("/v1/query");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0], q);

  auto updated = put("/v1/query/" + id, R"({"Name":"webq","Service":{"Service":"api","OnlyPassing":true}})");
  ASSERT_EQ(updated.status, 200u) << updated.body;
  EXPECT_EQ(updated.body, "");
  const json after = get_json("/v1/query/" + id)[0];
  EXPECT_EQ(after["Service"]["Service"], "api");
  EXPECT_EQ(after["Service"]["OnlyPassing"], true);
  EXPECT_EQ(after["Service"]["Tags"], nullptr) << "an update replaces the whole query";
  EXPECT_EQ(after["CreateIndex"], q["CreateIndex"]);
  EXPECT_GT(after["ModifyIndex"].get<std::uint64_t>(), q["ModifyIndex"].get<std::uint64_t>());

  ASSERT_EQ(del("/v1/query/" + id).status, 200u);
  auto gone = get("/v1/query/" + id);
  EXPECT_EQ(gone.status, 404u);
  EXPECT_EQ(gone.body, "Query not found");
  EXPECT_EQ(get_json("/v1/query"), json::array());
}

TEST_F(QueryApiTest, RefusedWritesAnswerConsulsTextsAndChangeNothing) {
  const std::string id = create(kWebQuery);
  const std::string sid = std::string(36, '0').replace(8, 1, "-").replace(13, 1, "-").replace(18, 1, "-").replace(23, 1, "-");
  struct Case {
    std::string body;
    unsigned status;
    std::string text;
  };
  const std::vector<Case> cases = {
      {R"({"Name":"a","Service":{}})", 500, "Invalid prepared query: Must provide a Service name to query"},
      {R"({"Service":{"Service":"web"}})", 500, "Invalid prepared query: Must be bound to a session"},
      {R"({"Name":"a","Service":{"Service":"web","Failover":{"NearestN":-1}}})", 500,
       "Invalid prepared query: Bad NearestN '-1', must be >= 0"},
      {R"({"Name":"a","Service":{"Service":"web"},"DNS":{"TTL":"soon"}})", 500,
       "Invalid prepared query: Bad DNS TTL 'soon': time: invalid duration \"soon\""},
      {R"({"Name":"a","Service":{"Service":"web"},"DNS":{"TTL":"-5s"}})", 500,
       "Invalid prepared query: DNS TTL '-5000000000', must be >=0"},
      {R"({"Name":"a","Token":"<hidden>","Service":{"Service":"web"}})", 500,
       "Invalid prepared query: Bad Token '<hidden>', it looks like a query definition with a redacted token was submitted"},
      {R"({"Name":"a","Service":{"Service":"web","NodeMeta":{"bad key":"x"}}})", 500,
       "Invalid prepared query: Key contains invalid characters"},
      {R"({"Name":"WEBQ","Service":{"Service":"web"}})", 500, "name 'WEBQ' aliases an existing query name"},
      {R"({"Name":")" + id + R"(","Service":{"Service":"web"}})", 500, "name '" + id + "' aliases an existing query ID"},
      {R"({"ID":")" + id + R"(","Name":"b","Service":{"Service":"web"}})", 500,
       "ID must be empty when creating a new prepared query"},
      {R"({"Session":")" + sid + R"(","Service":{"Service":"web"}})", 500, "invalid session \"" + sid + "\""},
      {R"({"Name":"t","Template":{"Type":"glob"},"Service":{"Service":"web"}})", 500,
       "failed compiling template: Bad Template.Type 'glob'"},
      {R"({"Name":"t","Template":{"Type":"name_prefix_match"},"Service":{"Service":"${name.middle}"}})", 500,
       "failed compiling template: Bad evaluation for '${name.middle}' in Service.Service: 1:3: unknown variable "
       "accessed: name.middle"},
      {R"({"Name":"t","Template":{"Type":"name_prefix_match"},"Service":{"Service":"${name.full"}})", 500,
       "failed compiling template: Bad format '${name.full' in Service.Service: 1:3: expected expression end"},
      {R"({"Name":"a","Service":)", 400, "Request decode failed: "},
      {"", 400, "Request decode failed: EOF"},
      {R"(["webq"])", 400, "Request decode failed: json: cannot unmarshal array into Go value of type structs.PreparedQuery"},
      {R"({"Name":"a","Service":{"Service":"web","OnlyPassing":"yes"}})", 400,
       "Request decode failed: json: cannot unmarshal string into Go struct field ServiceQuery.Service.OnlyPassing of "
       "type bool"},
      {R"({"Name":"a","Service":{"Service":"web","Failover":{"NearestN":"2"}}})", 400,
       "Request decode failed: json: cannot unmarshal string into Go struct field "
       "QueryFailoverOptions.Service.Failover.NearestN of type int"},
      {R"({"Name":"a","Service":{"Service":"web","Connect":true}})", 400,
       "fake-consul does not model the prepared query field Service.Connect"},
      {R"({"Name":"a","Service":{"Service":"web","Peer":"other"}})", 400,
       "fake-consul does not model the prepared query field Service.Peer"},
      {R"({"Name":"a","Service":{"Service":"web","Failover":{"Targets":[{"Peer":"p"}]}}})", 400,
       "fake-consul does not model the prepared query field Service.Failover.Targets"},
  };
  const json before = get_json("/v1/query");
  const std::string index_before = get("/v1/query").header("x-consul-index");
  for (const Case& c : cases) {
    auto res = post("/v1/query", c.body);
    EXPECT_EQ(res.status, c.status) << c.body << ": " << res.body;
    if (c.text.ends_with(": ")) EXPECT_TRUE(res.body.starts_with(c.text)) << c.body << ": " << res.body;
    else EXPECT_EQ(res.body, c.text) << c.body;
    // The same body as an update of the existing query is refused the same way (except for
    // the create-only ID rule and the name that is the query's own).
    if (c.text.starts_with("ID must") || c.text.starts_with("name 'WEBQ'")) continue;
    auto upd = put("/v1/query/" + id, c.body);
    if (c.body.empty()) {
      EXPECT_EQ(upd.body, "Invalid prepared query: Must be bound to a session") << "an empty update body";
      continue;
    }
    EXPECT_EQ(upd.status, c.status) << "update " << c.body << ": " << upd.body;
  }
  EXPECT_EQ(get_json("/v1/query"), before) << "nothing was stored or changed";
  EXPECT_EQ(get("/v1/query").header("x-consul-index"), index_before);
}

TEST_F(QueryApiTest, FieldsConsulDoesNotKnowAreIgnoredAsConsulIgnoresThem) {
  // Consul decodes the body with encoding/json, which drops unknown names; and matches the
  // known ones case-insensitively (python3-consul2 sends lower-case keys).
  const std::string id = create(R"({"name":"lower","Colour":"blue","service":{"service":"web","flavour":1,)"
                                R"("onlypassing":true,"failover":{"nearestn":2}}})");
  const json q = get_json("/v1/query/" + id)[0];
  EXPECT_EQ(q["Name"], "lower");
  EXPECT_EQ(q["Service"]["Service"], "web");
  EXPECT_EQ(q["Service"]["OnlyPassing"], true);
  EXPECT_EQ(q["Service"]["Failover"]["NearestN"], 2);
  EXPECT_FALSE(q.contains("Colour"));
  EXPECT_FALSE(q["Service"].contains("flavour"));
}

TEST_F(QueryApiTest, UnknownQueriesAnswerConsulsTexts) {
  const std::string missing = "8f8c6f9a-1111-2222-3333-444455556666";
  auto get_missing = get("/v1/query/" + missing);
  EXPECT_EQ(get_missing.status, 404u);
  EXPECT_EQ(get_missing.body, "Query not found");
  auto not_uuid = get("/v1/query/webq");
  EXPECT_EQ(not_uuid.status, 500u) << "GET looks queries up by ID only";
  EXPECT_EQ(not_uuid.body, "failed prepared query lookup: UUID must be 36 characters");
  auto bad_hex = get("/v1/query/8f8c6f9a-1111-2222-3333-44445555666x");
  EXPECT_EQ(bad_hex.body, "failed prepared query lookup: Invalid UUID: encoding/hex: invalid byte: U+0078 'x'");

  auto update = put("/v1/query/" + missing, kWebQuery);
  EXPECT_EQ(update.status, 500u);
  EXPECT_EQ(update.body, "Cannot modify non-existent prepared query: '" + missing + "'");
  auto remove = del("/v1/query/" + missing);
  EXPECT_EQ(remove.status, 500u);
  EXPECT_EQ(remove.body, "Cannot modify non-existent prepared query: '" + missing + "'");
  EXPECT_EQ(del("/v1/query/webq").body,
            "Prepared Query lookup failed: failed prepared query lookup: UUID must be 36 characters");

  for (const std::string suffix : {"/execute", "/explain"}) {
    auto res = get("/v1/query/nothing-here" + suffix);
    EXPECT_EQ(res.status, 404u) << suffix;
    EXPECT_EQ(res.body, "Query not found") << suffix;
  }
  auto patch = fakes::http::fetch(endpoint(), verb::patch, "/v1/query", "{}");
  EXPECT_EQ(patch.status, 405u);
  EXPECT_EQ(patch.header("allow"), "GET,POST");
  auto post_execute = post("/v1/query/webq/execute", "");
  EXPECT_EQ(post_execute.status, 405u);
  auto bad_limit = get("/v1/query/webq/execute?limit=two");
  EXPECT_EQ(bad_limit.status, 500u);
  EXPECT_EQ(bad_limit.body, "Bad limit: strconv.Atoi: parsing \"two\": invalid syntax");
  EXPECT_EQ(get_json("/v1/query"), json::array()) << "nothing was created on the way";
}

TEST_F(QueryApiTest, EachDatacenterHasItsOwnQueries) {
  const std::string remote = create(kWebQuery, "dc2");
  EXPECT_EQ(get_json("/v1/query"), json::array()) << "dc1's table does not have it";
  ASSERT_EQ(get_json("/v1/query?dc=dc2").size(), 1u);
  EXPECT_EQ(fakes::http::fetch(east1_, verb::get, "/v1/query/" + remote).status, 200u) << "dc2's agent reads it";
  EXPECT_EQ(get("/v1/query/" + remote).status, 404u);
  auto unknown = get("/v1/query?dc=dc9");
  EXPECT_EQ(unknown.status, 500u);
  EXPECT_EQ(unknown.body, "No path to datacenter");
  EXPECT_EQ(post("/v1/query?dc=dc9", kWebQuery).status, 500u);
  EXPECT_EQ(get_json("/v1/query?dc=dc2").size(), 1u);
}

TEST_F(QueryApiTest, AQueryBoundToASessionGoesWithIt) {
  auto session = put("/v1/session/create", R"({"Name":"owner"})");
  ASSERT_EQ(session.status, 200u) << session.body;
  const std::string sid = json::parse(session.body)["ID"];
  const std::string id = create(R"({"Session":")" + sid + R"(","Service":{"Service":"web"}})");
  EXPECT_EQ(get_json("/v1/query/" + id)[0]["Session"], sid);
  EXPECT_EQ(get_json("/v1/query/" + id + "/execute")["Service"], "web") << "executed by its ID";
  ASSERT_EQ(put("/v1/session/destroy/" + sid).status, 200u);
  EXPECT_EQ(get("/v1/query/" + id).status, 404u) << "Consul deletes a query with its session";
}

TEST_F(QueryApiTest, BlockingListWakesOnTheNextWrite) {
  auto first = get("/v1/query");
  const std::string index = first.header("x-consul-index");
  auto waiting = std::async(std::launch::async, [&] { return get("/v1/query?index=" + index + "&wait=20s", {}, std::chrono::seconds(30)); });
  const std::string id = create(kWebQuery);
  auto woke = waiting.get();
  ASSERT_EQ(woke.status, 200u);
  EXPECT_EQ(json::parse(woke.body).at(0)["ID"], id);
  EXPECT_NE(woke.header("x-consul-index"), index);
}

}  // namespace
}  // namespace consul_test
