// KV locks as a client of Consul's lock recipe sees them: ?acquire= / ?release= with Session,
// LockIndex and Flags in the entry, writes that keep a lock, ?cas= refused beside a lock flag,
// and the lock-delay after an invalidated session, seen by a second session.
#include "tests/fakes/consul/sessions/session_fixture.hpp"

#include <future>

namespace consul_test {
namespace {

TEST_F(SessionTest, AcquireAndReleaseShowInTheEntry) {
  const std::string a = create_session(R"({"LockDelay":"0s"})");
  const std::string b = create_session(R"({"LockDelay":"0s"})");
  ASSERT_EQ(put("/v1/kv/service/leader?acquire=" + a + "&flags=42", "host-a").body, "true");
  json e = kv_entry("service/leader");
  EXPECT_EQ(e["Session"], a);
  EXPECT_EQ(e["LockIndex"], 1);
  EXPECT_EQ(e["Flags"], 42);
  EXPECT_EQ(kv_value("service/leader"), "host-a");

  // Someone else holds it: false, nothing written.
  EXPECT_EQ(put("/v1/kv/service/leader?acquire=" + b, "host-b").body, "false");
  EXPECT_EQ(kv_value("service/leader"), "host-a");
  EXPECT_EQ(put("/v1/kv/service/leader?release=" + b, "host-b").body, "false");
  EXPECT_EQ(kv_entry("service/leader")["Session"], a);

  // The holder acquiring again writes and keeps LockIndex.
  EXPECT_EQ(put("/v1/kv/service/leader?acquire=" + a, "host-a2").body, "true");
  EXPECT_EQ(kv_entry("service/leader")["LockIndex"], 1);

  EXPECT_EQ(put("/v1/kv/service/leader?release=" + a, "released").body, "true");
  e = kv_entry("service/leader");
  EXPECT_FALSE(e.contains("Session"));
  EXPECT_EQ(e["LockIndex"], 1);
  EXPECT_EQ(kv_value("service/leader"), "released");

  EXPECT_EQ(put("/v1/kv/service/leader?acquire=" + b, "host-b").body, "true");
  e = kv_entry("service/leader");
  EXPECT_EQ(e["Session"], b);
  EXPECT_EQ(e["LockIndex"], 2);
  EXPECT_EQ(e["ModifyIndex"].get<std::uint64_t>() > e["CreateIndex"].get<std::uint64_t>(), true);
  // Releasing a key nobody has is false too.
  EXPECT_EQ(put("/v1/kv/absent?release=" + b).body, "false");
  EXPECT_EQ(kv_entry("absent"), nullptr);
}

TEST_F(SessionTest, PlainWritesKeepTheLockAndCasConflictsWithLockFlags) {
  const std::string a = create_session();
  ASSERT_EQ(put("/v1/kv/cfg?acquire=" + a, "v1").body, "true");
  // A plain write replaces the value; the lock stays where it was, and LockIndex is the
  // request entry's, 0 (Consul's KVSet).
  EXPECT_EQ(put("/v1/kv/cfg", "v2").body, "true");
  EXPECT_EQ(kv_entry("cfg")["Session"], a);
  EXPECT_EQ(kv_entry("cfg")["LockIndex"], 0);
  const auto index = kv_entry("cfg")["ModifyIndex"].get<std::uint64_t>();
  EXPECT_EQ(put("/v1/kv/cfg?cas=" + std::to_string(index), "v3").body, "true");
  EXPECT_EQ(kv_entry("cfg")["Session"], a);

  auto both = put("/v1/kv/cfg?cas=0&acquire=" + a, "v4");
  EXPECT_EQ(both.status, 400u);
  EXPECT_EQ(both.body, "Conflicting flags: acquire=" + a + "&cas=0\n");
  auto two = put("/v1/kv/cfg?release=" + a + "&acquire=" + a, "v4");
  EXPECT_EQ(two.status, 400u);
  EXPECT_EQ(two.body, "Conflicting flags: acquire=" + a + "&release=" + a + "\n");
  EXPECT_EQ(kv_value("cfg"), "v3");
  EXPECT_EQ(kv_entry("cfg")["Session"], a);
}

TEST_F(SessionTest, LockDelayKeepsAnotherSessionOutUntilItRunsOut) {
  const std::string holder = create_session(R"({"LockDelay":"10s"})");
  const std::string next = create_session();
  ASSERT_EQ(put("/v1/kv/lock?acquire=" + holder).body, "true");
  ASSERT_EQ(put("/v1/session/destroy/" + holder).body, "true");
  EXPECT_FALSE(kv_entry("lock").contains("Session"));
  EXPECT_EQ(put("/v1/kv/lock?acquire=" + next).body, "false");
  // During the delay even an unknown session is a plain false: the delay is looked at first.
  EXPECT_EQ(put("/v1/kv/lock?acquire=no-such-session").body, "false");
  advance(9s);
  EXPECT_EQ(put("/v1/kv/lock?acquire=" + next).body, "false");
  advance(2s);
  EXPECT_EQ(put("/v1/kv/lock?acquire=" + next).body, "true");
  EXPECT_EQ(kv_entry("lock")["LockIndex"], 2);
  // Only the released key is delayed.
  EXPECT_EQ(put("/v1/kv/other?acquire=" + next).body, "true");
}

TEST_F(SessionTest, LockDelayIsCappedAtAMinute) {
  const std::string holder = create_session(R"({"LockDelay":"5m"})");
  const std::string next = create_session();
  ASSERT_EQ(put("/v1/kv/lock?acquire=" + holder).body, "true");
  ASSERT_EQ(put("/v1/session/destroy/" + holder).body, "true");
  advance(59s);
  EXPECT_EQ(put("/v1/kv/lock?acquire=" + next).body, "false");
  advance(1s);
  EXPECT_EQ(put("/v1/kv/lock?acquire=" + next).body, "true");
}

TEST_F(SessionTest, AnInvalidatedSessionCannotAcquire) {
  const std::string gone = create_session(R"({"LockDelay":"0s"})");
  ASSERT_EQ(put("/v1/session/destroy/" + gone).body, "true");
  auto res = put("/v1/kv/lock?acquire=" + gone, "x");
  EXPECT_EQ(res.status, 500u);
  EXPECT_EQ(res.body, "invalid session \"" + gone + "\"");
  EXPECT_EQ(kv_entry("lock"), nullptr);
}

TEST_F(SessionTest, BlockingReadOfTheLockKeyWakesWhenItIsReleased) {
  const std::string holder = create_session(R"({"LockDelay":"0s"})");
  ASSERT_EQ(put("/v1/kv/lock?acquire=" + holder).body, "true");
  const std::string index = get("/v1/kv/lock").header("x-consul-index");
  auto waiting = std::async(std::launch::async, [&] { return get("/v1/kv/lock?index=" + index + "&wait=30s"); });
  ASSERT_EQ(put("/v1/session/destroy/" + holder).body, "true");
  auto woke = waiting.get();
  ASSERT_EQ(woke.status, 200u);
  EXPECT_FALSE(json::parse(woke.body).at(0).contains("Session"));
}

}  // namespace
}  // namespace consul_test
