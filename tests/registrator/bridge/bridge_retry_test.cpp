// Bridge retries: pending registrations, deregistrations, inspects and reconciles, on a
// hand-driven clock.
#include <gtest/gtest.h>

#include "tests/registrator/bridge/bridge_cases.hpp"

using namespace regtest::bridge;

TEST(RegistratorBridgeRetry, FailedRegistrationIsRetriedUntilItSucceeds) {
  RetryFixture f;
  f.reg.fail_register["node1:web:80"] = 3;
  f.bridge.handle_event(event("start", cid('a')));
  EXPECT_TRUE(f.logs.contains("register failed: node1:web:80 consul 127.0.0.1:1: Unexpected response code: 500"));
  EXPECT_TRUE(f.bridge.services().empty());
  EXPECT_EQ(f.bridge.pending_registrations(), Ids{"node1:web:80"});
  EXPECT_TRUE(f.bridge.pending_deregistrations().empty());

  f.retry_next();  // 2nd attempt fails
  f.retry_next();  // 3rd attempt fails
  EXPECT_FALSE(f.logs.contains("added:"));
  f.retry_next();  // 4th succeeds
  EXPECT_TRUE(f.logs.contains("added: aaaaaaaaaaaa node1:web:80"));
  EXPECT_EQ(f.reg.calls, Ids(4, "register node1:web:80"));
  ASSERT_EQ(f.bridge.services().count(cid('a')), 1u);
  EXPECT_EQ(f.bridge.services().at(cid('a')).at(0).id, "node1:web:80");
  EXPECT_TRUE(f.bridge.pending_registrations().empty());

  // Nothing is retried after success, however late.
  EXPECT_FALSE(f.bridge.next_retry().has_value());
  f.now += std::chrono::hours(2);
  f.bridge.retry_pending();
  EXPECT_EQ(f.reg.calls.size(), 4u);
  // The container is known now: a die deregisters it as usual.
  f.bridge.handle_event(event("die", cid('a'), {{"exitCode", "0"}}));
  EXPECT_EQ(f.reg.calls.back(), "deregister node1:web:80");
}

TEST(RegistratorBridgeRetry, BackOffDoublesToTheCapAndStartsAgainAfterSuccess) {
  RetryFixture f;
  f.reg.fail_register["node1:web:80"] = -1;  // until told otherwise
  f.bridge.add(cid('a'));
  std::vector<std::chrono::milliseconds> delays;
  for (int i = 0; i < 9; ++i) {
    delays.push_back(f.until_next());
    // Not due a millisecond early.
    auto calls = f.reg.calls.size();
    f.now = *f.bridge.next_retry() - 1ms;
    f.bridge.retry_pending();
    EXPECT_EQ(f.reg.calls.size(), calls);
    f.retry_next();
    EXPECT_EQ(f.reg.calls.size(), calls + 1);
  }
  EXPECT_EQ(delays, (std::vector<std::chrono::milliseconds>{250ms, 500ms, 1000ms, 2000ms, 4000ms, 8000ms, 10000ms,
                                                            10000ms, 10000ms}));
  f.reg.fail_register.clear();
  f.retry_next();
  EXPECT_FALSE(f.bridge.next_retry().has_value());
  EXPECT_TRUE(f.logs.contains("added: aaaaaaaaaaaa node1:web:80"));

  // A later failure (another outage) starts from the initial delay again.
  f.reg.fail_deregister["node1:web:80"] = 1;
  f.bridge.remove(cid('a'));
  EXPECT_EQ(f.until_next(), 250ms);
}

TEST(RegistratorBridgeRetry, RetryPolicyIsConfigurable) {
  RetryFixture f;
  f.bridge.set_retry_policy({10ms, 25ms});
  f.reg.fail_register["node1:web:80"] = -1;
  f.bridge.add(cid('a'));
  std::vector<std::chrono::milliseconds> delays;
  for (int i = 0; i < 4; ++i) {
    delays.push_back(f.until_next());
    f.retry_next();
  }
  EXPECT_EQ(delays, (std::vector<std::chrono::milliseconds>{10ms, 20ms, 25ms, 25ms}));
}

TEST(RegistratorBridgeRetry, FailedDeregistrationIsRetriedUntilItSucceeds) {
  RetryFixture f;
  f.bridge.handle_event(event("start", cid('a')));
  f.bridge.handle_event(event("start", cid('b')));
  f.reg.fail_deregister["node1:web:80"] = 2;
  f.reg.fail_status = 503;
  f.bridge.handle_event(event("die", cid('a'), {{"exitCode", "0"}}));
  EXPECT_TRUE(f.logs.contains("deregister failed: node1:web:80 consul 127.0.0.1:1: Unexpected response code: 503"));
  EXPECT_FALSE(f.logs.contains("removed: aaaaaaaaaaaa"));
  // Forgotten as a running container (a restart registers it again), but pending.
  EXPECT_EQ(f.bridge.services().count(cid('a')), 0u);
  EXPECT_EQ(f.bridge.pending_deregistrations(), Ids{"node1:web:80"});
  EXPECT_TRUE(f.bridge.pending_registrations().empty());

  f.retry_next();  // fails again
  EXPECT_EQ(f.bridge.pending_deregistrations(), Ids{"node1:web:80"});
  f.retry_next();  // succeeds
  EXPECT_TRUE(f.logs.contains("removed: aaaaaaaaaaaa node1:web:80"));
  EXPECT_TRUE(f.bridge.pending_deregistrations().empty());
  EXPECT_FALSE(f.bridge.next_retry().has_value());
  EXPECT_EQ(f.reg.calls, (Ids{"register node1:web:80", "register node1:api:80", "deregister node1:web:80",
                              "deregister node1:web:80", "deregister node1:web:80"}));
  f.now += std::chrono::hours(1);
  f.bridge.retry_pending();
  EXPECT_EQ(f.reg.calls.size(), 5u);
  EXPECT_EQ(f.bridge.services().count(cid('b')), 1u);  // untouched
}

TEST(RegistratorBridgeRetry, DeregistrationOfAnUnknownServiceIsNotRetried) {
  RetryFixture f;
  f.bridge.add(cid('a'));
  f.reg.fail_deregister["node1:web:80"] = 1;
  f.reg.fail_status = 404;  // Consul: Unknown service ID
  f.bridge.remove(cid('a'));
  EXPECT_TRUE(f.logs.contains("deregister failed: node1:web:80"));
  EXPECT_FALSE(f.bridge.next_retry().has_value());
}

TEST(RegistratorBridgeRetry, DieWhileRegistrationPendingDropsItWithoutDeregistering) {
  RetryFixture f;
  f.reg.fail_register["node1:web:80"] = -1;  // Consul answers 500: it did not register
  f.bridge.handle_event(event("start", cid('a')));
  f.retry_next();
  f.bridge.handle_event(event("die", cid('a'), {{"exitCode", "0"}}));
  EXPECT_EQ(f.reg.calls, Ids(2, "register node1:web:80"));  // no deregister of something never registered
  EXPECT_TRUE(f.logs.contains("register abandoned: aaaaaaaaaaaa node1:web:80"));
  EXPECT_TRUE(f.bridge.pending_registrations().empty());
  EXPECT_TRUE(f.bridge.pending_deregistrations().empty());
  f.now += std::chrono::hours(1);
  f.bridge.retry_pending();
  EXPECT_EQ(f.reg.calls.size(), 2u);
}

TEST(RegistratorBridgeRetry, DieWhileRegistrationPendingWithoutAnswerDeregisters) {
  RetryFixture f;
  f.reg.fail_status = 0;  // the connection dropped: the registration may have been applied
  f.reg.fail_register["node1:web:80"] = -1;
  f.reg.fail_deregister["node1:web:80"] = 1;
  f.bridge.handle_event(event("start", cid('a')));
  f.bridge.handle_event(event("die", cid('a'), {{"exitCode", "0"}}));
  EXPECT_EQ(f.reg.calls, (Ids{"register node1:web:80", "deregister node1:web:80"}));
  // The deregistration failed as well: it is now what is pending, not the registration.
  EXPECT_TRUE(f.bridge.pending_registrations().empty());
  EXPECT_EQ(f.bridge.pending_deregistrations(), Ids{"node1:web:80"});
  f.retry_next();
  EXPECT_EQ(f.reg.calls.back(), "deregister node1:web:80");
  EXPECT_TRUE(f.logs.contains("removed: aaaaaaaaaaaa node1:web:80"));
  EXPECT_FALSE(f.bridge.next_retry().has_value());
}

TEST(RegistratorBridgeRetry, OnSuccessNonZeroExitDropsPendingRegistration) {
  RetryFixture f;
  Bridge bridge(f.docker, f.reg, config("on-success"));
  bridge.set_clock([&] { return f.now; });
  f.reg.fail_register["node1:web:80"] = -1;
  bridge.handle_event(event("start", cid('a')));
  bridge.handle_event(event("die", cid('a'), {{"exitCode", "1"}}));
  EXPECT_FALSE(bridge.next_retry().has_value());
  EXPECT_EQ(f.reg.calls, Ids{"register node1:web:80"});
}

TEST(RegistratorBridgeRetry, StartSupersedesPendingDeregistrationOfTheSameServiceId) {
  RetryFixture f;
  f.bridge.handle_event(event("start", cid('a')));
  f.reg.fail_deregister["node1:web:80"] = -1;
  f.bridge.handle_event(event("die", cid('a'), {{"exitCode", "0"}}));
  EXPECT_EQ(f.bridge.pending_deregistrations(), Ids{"node1:web:80"});
  // A new container with the same name (same service ID) starts: its registration wins.
  f.docker.containers[cid('c')] = container(cid('c'), "web", 8081);
  f.bridge.handle_event(event("start", cid('c')));
  EXPECT_TRUE(f.bridge.pending_deregistrations().empty());
  EXPECT_FALSE(f.bridge.next_retry().has_value());
  EXPECT_EQ(f.bridge.services().count(cid('c')), 1u);
  EXPECT_EQ(f.reg.calls.back(), "register node1:web:80");
}

TEST(RegistratorBridgeRetry, RestartWhileDeregistrationPendingAndRegistrationFailing) {
  RetryFixture f;
  f.bridge.handle_event(event("start", cid('a')));
  f.reg.fail_deregister["node1:web:80"] = -1;
  f.bridge.handle_event(event("die", cid('a'), {{"exitCode", "0"}}));
  f.reg.fail_register["node1:web:80"] = 1;
  f.bridge.handle_event(event("start", cid('a')));
  // At most one state per service: the registration is what is pending now.
  EXPECT_EQ(f.bridge.pending_registrations(), Ids{"node1:web:80"});
  EXPECT_TRUE(f.bridge.pending_deregistrations().empty());
  f.retry_next();
  EXPECT_TRUE(f.bridge.pending_registrations().empty());
  EXPECT_EQ(f.bridge.services().count(cid('a')), 1u);
  EXPECT_EQ(f.reg.calls.back(), "register node1:web:80");
}

TEST(RegistratorBridgeRetry, SyncRegistersAContainerWhoseRegistrationIsPending) {
  RetryFixture f;
  f.docker.running = {cid('a')};
  f.reg.fail_register["node1:web:80"] = 1;
  f.bridge.sync(false);
  EXPECT_EQ(f.bridge.pending_registrations(), Ids{"node1:web:80"});
  f.bridge.sync(true);  // -resync before the retry is due
  EXPECT_TRUE(f.bridge.pending_registrations().empty());
  EXPECT_EQ(f.bridge.services().count(cid('a')), 1u);
}

TEST(RegistratorBridgeRetry, FailedInspectIsRetriedUntilTheContainerIsRegistered) {
  RetryFixture f;
  f.docker.fail_inspect[cid('a')] = 2;
  f.bridge.handle_event(event("start", cid('a')));
  EXPECT_TRUE(f.logs.contains("unable to inspect container: aaaaaaaaaaaa docker unix:///fake: bad inspect JSON"));
  EXPECT_TRUE(f.logs.contains("(retrying in 250 ms)"));
  EXPECT_TRUE(f.reg.calls.empty());
  EXPECT_EQ(f.bridge.pending_inspects(), Ids{cid('a')});
  // Another container is not held up by the one whose inspect fails.
  f.bridge.handle_event(event("start", cid('b')));
  EXPECT_EQ(f.reg.calls, Ids{"register node1:api:80"});
  f.retry_next();  // fails again, 500 ms
  EXPECT_TRUE(f.logs.contains("(retrying in 500 ms)"));
  f.retry_next();  // succeeds
  EXPECT_EQ(f.reg.calls, (Ids{"register node1:api:80", "register node1:web:80"}));
  EXPECT_TRUE(f.bridge.pending_inspects().empty());
  EXPECT_FALSE(f.bridge.next_retry().has_value());
}

TEST(RegistratorBridgeRetry, DieDropsAPendingInspect) {
  RetryFixture f;
  f.docker.fail_inspect[cid('a')] = 1;
  f.bridge.handle_event(event("start", cid('a')));
  EXPECT_EQ(f.bridge.pending_inspects(), Ids{cid('a')});
  f.bridge.handle_event(event("die", cid('a'), {{"exitCode", "0"}}));
  EXPECT_TRUE(f.bridge.pending_inspects().empty());
  EXPECT_FALSE(f.bridge.next_retry().has_value());
  EXPECT_TRUE(f.reg.calls.empty());
}

TEST(RegistratorBridgeRetry, NoSuchContainerIsNotRetried) {
  RetryFixture f;
  f.bridge.handle_event(event("start", cid('z')));
  EXPECT_TRUE(f.bridge.pending_inspects().empty());
  EXPECT_FALSE(f.bridge.next_retry().has_value());
}

TEST(RegistratorBridgeRetry, ReconcileWhoseListFailsIsTriedAgain) {
  RetryFixture f;
  f.docker.running = {cid('a')};
  f.docker.fail_list_times = 2;
  f.bridge.reconcile();
  EXPECT_TRUE(f.logs.contains("error listing containers, reconcile again in 250 ms: docker unix:///fake: bad container list JSON"));
  EXPECT_TRUE(f.reg.calls.empty());
  f.retry_next();
  EXPECT_TRUE(f.reg.calls.empty());
  f.retry_next();
  EXPECT_EQ(f.reg.calls, Ids{"register node1:web:80"});
  EXPECT_FALSE(f.bridge.next_retry().has_value());
}

TEST(RegistratorBridgeRetry, SyncWithAFailedInspectRetriesThatContainerOnly) {
  RetryFixture f;
  f.docker.running = {cid('a'), cid('b')};
  f.docker.fail_inspect[cid('a')] = 1;
  f.bridge.sync(false);
  EXPECT_EQ(f.reg.calls, Ids{"register node1:api:80"});
  EXPECT_EQ(f.bridge.pending_inspects(), Ids{cid('a')});
  f.retry_next();
  EXPECT_EQ(f.reg.calls, (Ids{"register node1:api:80", "register node1:web:80"}));
}
