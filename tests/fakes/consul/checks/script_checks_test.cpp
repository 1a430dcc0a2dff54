// Script checks (Args) as Consul runs them: refused over the HTTP API by default, as by an agent
// without enable_script_checks (also --script-checks refuse, or --enable-script-checks=false),
// stored but never run with --script-checks store (regsim asks for it: shipped scenarios
// register script checks), and with --enable-script-checks and
// --run-checks run every
// Interval: exit 0 passing, 1 warning, other critical, stdout+stderr as the output (the last
// 4 KiB, "Captured N of M bytes" when cut), Timeout kills the process.
#include "tests/fakes/consul/binary_fixture.hpp"

namespace {

using namespace consul_binary;

const std::string kRefused =
    "Scripts are disabled on this agent from remote calls; to enable, configure 'enable_script_checks' to true";

/// Polls `probe` until it returns true or the deadline passes.
template <class F>
bool eventually(F probe, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (probe()) return true;
    std::this_thread::sleep_for(20ms);  // polling another process's state
  }
  return probe();
}

TEST_F(ConsulBinaryTest, ScriptChecksAreRefusedAsByConsulsDefault) {
  json ready = launch({"--run-checks"});  // no script flag: Consul's enable_script_checks = false
  const auto http = endpoint_of(ready["http"]);
  auto res = fakes::http::fetch(http, verb::put, "/v1/agent/service/register",
                                R"({"ID":"s1","Name":"svc","Check":{"Args":["/bin/true"],"Interval":"1s"}})");
  EXPECT_EQ(res.status, 500u);
  EXPECT_EQ(res.body, kRefused);
  EXPECT_EQ(json::parse(fakes::http::fetch(http, verb::get, "/v1/agent/services").body), json::object())
      << "nothing of the refused registration is applied";
  res = fakes::http::fetch(http, verb::put, "/v1/agent/check/register",
                           R"({"Name":"n1","ScriptArgs":["/bin/true"],"Interval":"1s"})");
  EXPECT_EQ(res.status, 500u);
  EXPECT_EQ(res.body, kRefused);
}

TEST_F(ConsulBinaryTest, ScriptChecksAreRefusedWithEnableScriptChecksFalse) {
  json ready = launch({"--script-checks", "store", "--enable-script-checks=false"});  // the last flag wins
  const auto res = fakes::http::fetch(endpoint_of(ready["http"]), verb::put, "/v1/agent/check/register",
                                      R"({"Name":"n1","Args":["/bin/true"],"Interval":"1s"})");
  EXPECT_EQ(res.status, 500u);
  EXPECT_EQ(res.body, kRefused);
}

TEST_F(ConsulBinaryTest, ScriptChecksAreStoredButNotRunWithScriptChecksStore) {
  json ready = launch({"--run-checks", "--script-checks", "store"});
  const auto http = endpoint_of(ready["http"]);
  ASSERT_EQ(fakes::http::fetch(http, verb::put, "/v1/agent/service/register",
                               R"({"ID":"s1","Name":"svc","Check":{"CheckID":"c","Args":["/bin/sh","-c","echo ran"],"Interval":"100ms","Status":"warning"}})")
                .status,
            200u);
  // Long enough for a few Intervals (the run test sees output within one); nothing runs.
  EXPECT_FALSE(eventually(
      [&] {
        auto checks = json::parse(fakes::http::fetch(http, verb::get, "/v1/agent/checks").body);
        return checks["c"]["Output"] != "" || checks["c"]["Status"] != "warning";
      },
      600ms));
}

TEST_F(ConsulBinaryTest, BadScriptChecksFlagExitsTwo) {
  const fs::path err = dir_ / "script.log";
  child_ = std::make_unique<ChildProcess>(std::vector<std::string>{binary_, "--http", "127.0.0.1:0", "--script-checks", "maybe"},
                                   Output::fresh_log_file(err));
  EXPECT_EQ(child_->wait_exit(10s), 2);
  EXPECT_TRUE(read_file(err).starts_with("fake-consul: bad value for --script-checks: \"maybe\" (want refuse, store or run)"))
      << read_file(err);
}

TEST_F(ConsulBinaryTest, ScriptChecksRunWithEnableScriptChecks) {
  json ready = launch({"--run-checks", "--enable-script-checks"});
  const auto http = endpoint_of(ready["http"]);
  const std::string body = R"({"ID":"s1","Name":"svc","Checks":[
      {"CheckID":"ok","Args":["/bin/sh","-c","echo fine; exit 0"],"Interval":"200ms"},
      {"CheckID":"warn","Args":["/bin/sh","-c","echo busy >&2; exit 1"],"Interval":"200ms"},
      {"CheckID":"fail","Args":["/bin/sh","-c","echo down; exit 3"],"Interval":"200ms"},
      {"CheckID":"chatty","Args":["/bin/sh","-c","head -c 5000 /dev/zero | tr '\\0' x; echo END"],"Interval":"200ms"},
      {"CheckID":"slow","Args":["/bin/sh","-c","echo started; exec sleep 30"],"Interval":"200ms","Timeout":"300ms"},
      {"CheckID":"missing","Args":["/nonexistent/check"],"Interval":"200ms"}]})";
  ASSERT_EQ(fakes::http::fetch(http, verb::put, "/v1/agent/service/register", body).status, 200u);

  json checks;
  auto all_ran = [&] {
    checks = json::parse(fakes::http::fetch(http, verb::get, "/v1/agent/checks").body);
    for (const char* id : {"ok", "warn", "fail", "chatty", "slow", "missing"})
      if (!checks.contains(id) || checks[id]["Output"].get<std::string>().empty()) return false;
    return true;
  };
  ASSERT_TRUE(eventually(all_ran, 15s)) << checks.dump().substr(0, 2000);
  EXPECT_EQ(checks["ok"]["Status"], "passing");
  EXPECT_EQ(checks["ok"]["Output"], "fine\n");
  EXPECT_EQ(checks["warn"]["Status"], "warning");
  EXPECT_EQ(checks["warn"]["Output"], "busy\n") << "stderr is captured too";
  EXPECT_EQ(checks["fail"]["Status"], "critical");
  EXPECT_EQ(checks["fail"]["Output"], "down\n");
  EXPECT_EQ(checks["chatty"]["Status"], "passing");
  const std::string chatty = checks["chatty"]["Output"];
  EXPECT_TRUE(chatty.starts_with("Captured 4096 of 5004 bytes\n...\n")) << chatty.substr(0, 80);
  EXPECT_TRUE(chatty.ends_with("xxEND\n")) << "the last 4 KiB are kept";
  EXPECT_EQ(checks["slow"]["Status"], "critical");
  EXPECT_EQ(checks["slow"]["Output"], "Timed out (300ms) running check\n\nstarted\n");
  EXPECT_EQ(checks["missing"]["Status"], "critical");
  EXPECT_EQ(checks["missing"]["Output"], "exec: \"/nonexistent/check\": executable file not found in $PATH");

  // The timed-out sleep was killed, not left behind.
  EXPECT_EQ(run_capture("pgrep -f 'sleep 30' -P " + std::to_string(child_->pid()) + " | wc -l"), "0\n");

  child_->signal(SIGTERM);
  EXPECT_EQ(child_->wait_exit(10s), 0);
}

}  // namespace
