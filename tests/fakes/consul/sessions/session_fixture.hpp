#pragma once
// The in-process fake with a clock the test moves (TTLs and lock-delays run out when told, no
// waiting), and the session calls a client makes, for the session and KV-lock suites.
#include "tests/fakes/consul/consul_fixture.hpp"

#include "fakes/consul/state/clock.hpp"

#include <string>

namespace consul_test {

using namespace std::chrono_literals;

class SessionTest : public ConsulFixture {
 protected:
  void SetUp() override {
    fakes::consul::FakeConsulOptions options;
    options.clock = &clock_;
    start(std::move(options));
  }
  /// Moves the fake's clock (on its io thread) and lets it expire what ran out, as its timer would.
  void advance(std::chrono::milliseconds d) {
    fake_->with_catalog([&](fakes::consul::Catalog&) { clock_.advance(d); });
    fake_->expire_ttl_checks();
  }
  /// PUT /v1/session/create with `body`; the new session's ID.
  std::string create_session(const std::string& body = "") {
    auto res = put("/v1/session/create", body);
    EXPECT_EQ(res.status, 200u) << body << ": " << res.body;
    if (res.status != 200u) return "";
    return json::parse(res.body).at("ID").get<std::string>();
  }
  /// GET /v1/session/info/<id>: the session, or null when it is gone.
  json session_info(const std::string& id) {
    auto list = get_json("/v1/session/info/" + id);
    return list.empty() ? json(nullptr) : list[0];
  }
  /// GET /v1/kv/<key>: the entry, or null for a 404.
  json kv_entry(const std::string& key) {
    auto res = get("/v1/kv/" + key);
    if (res.status == 404u) return nullptr;
    EXPECT_EQ(res.status, 200u) << res.body;
    return json::parse(res.body).at(0);
  }
  std::string kv_value(const std::string& key) {
    return get("/v1/kv/" + key + "?raw").body;
  }

  fakes::consul::ManualClock clock_;
};

}  // namespace consul_test
