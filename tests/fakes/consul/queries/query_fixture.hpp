#pragma once
// Prepared query suites in-process: a fake-consul with datacenter dc1 (node1, and node2 and
// node3 registered through the catalog) and dc2 (agent east1), plus helpers to register
// instances, create queries and execute them.
#include "tests/fakes/consul/consul_fixture.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace consul_test {

class QueryFixture : public ConsulFixture {
 protected:
  void SetUp() override {
    fakes::consul::FakeConsulOptions options;
    options.agent.datacenter = "dc1";
    options.agents.push_back({"east1", "127.0.0.1", 0, "", "dc2"});
    start(options);
    east1_ = fakes::http::Endpoint::tcp("127.0.0.1", fake_->agent_ports()[0]);
  }
  ClientResponse post(const std::string& target, const std::string& body) {
    return fakes::http::fetch(endpoint(), verb::post, target, body);
  }
  /// An instance on another dc1 node (catalog API), with one service check in `status`.
  void register_on(const std::string& node, const std::string& address, const std::string& id,
                   const std::string& tags_json, const std::string& status) {
    const std::string body = R"({"Node":")" + node + R"(","Address":")" + address + R"(","Service":{"ID":")" + id +
                             R"(","Service":"web","Port":80,"Tags":)" + tags_json + R"(},"Check":{"CheckID":"c-)" + id +
                             R"(","Name":"probe","ServiceID":")" + id + R"(","Status":")" + status + R"("}})";
    ASSERT_EQ(put("/v1/catalog/register", body).status, 200u) << body;
  }
  /// Creates a query; returns its ID (the test fails when Consul would have refused it).
  std::string create(const std::string& body, const std::string& dc = "") {
    auto res = post("/v1/query" + (dc.empty() ? "" : "?dc=" + dc), body);
    EXPECT_EQ(res.status, 200u) << body << ": " << res.body;
    if (res.status != 200u) return "";
    return json::parse(res.body).at("ID").get<std::string>();
  }
  json execute(const std::string& id_or_name, const std::string& query = "") {
    return get_json("/v1/query/" + id_or_name + "/execute" + query);
  }
  /// The service IDs of an execute answer, sorted.
  static std::vector<std::string> service_ids(const json& answer) {
    std::vector<std::string> out;
    for (const auto& n : answer.at("Nodes")) out.push_back(n.at("Service").at("ID").get<std::string>());
    std::sort(out.begin(), out.end());
    return out;
  }

  fakes::http::Endpoint east1_;
};

}  // namespace consul_test
