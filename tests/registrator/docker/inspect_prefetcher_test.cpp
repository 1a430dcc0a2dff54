// InspectPrefetcher against a fake DockerClient: results in order (errors and "no such
// container" included), early stop.
#include <gtest/gtest.h>

#include "registrator/docker/inspect_prefetcher.hpp"
#include "tests/support/registrator/fake_docker_client.hpp"

using namespace registrator;
using namespace regtest;

TEST(RegistratorInspectPrefetcher, ResultsInOrderWithErrorsAndNoSuchContainer) {
  FakeDocker docker;
  for (char c : std::string("abcdefgh")) docker.containers[cid(c)] = container(cid(c), std::string(1, c), 8000 + c);
  docker.fail_inspect[cid('c')] = 1;
  std::vector<std::string> ids;
  for (char c : std::string("abcdefghz")) ids.push_back(cid(c));
  InspectPrefetcher prefetch(docker, ids, 2);
  for (char c : std::string("abcdefghz")) {
    Inspected r = prefetch.next();
    if (c == 'c') {
      EXPECT_TRUE(r.error);
    } else if (c == 'z') {
      EXPECT_FALSE(r.error);
      EXPECT_FALSE(r.container.has_value());
    } else {
      ASSERT_TRUE(r.container.has_value());
      EXPECT_EQ((*r.container)["Id"], cid(c));
    }
  }
}

TEST(RegistratorInspectPrefetcher, StopsEarlyWhenDestroyed) {
  FakeDocker docker;
  std::vector<std::string> ids(1000, cid('a'));
  docker.containers[cid('a')] = container(cid('a'), "web", 8080);
  {
    InspectPrefetcher prefetch(docker, ids, 4);
    EXPECT_TRUE(prefetch.next().container.has_value());
  }  // joins without inspecting the rest
  SUCCEED();
}
