#include "fakes/consul/netns_binding.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

namespace fakes::consul {

namespace {

std::string why(int error) { return std::strerror(error); }

}  // namespace

NetnsBinding::NetnsBinding(const std::string& path) {
  const int target = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (target < 0) throw NetnsError("cannot open network namespace " + path + ": " + why(errno));
  original_fd_ = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (original_fd_ < 0) {
    const int error = errno;
    ::close(target);
    throw NetnsError("cannot enter network namespace " + path + ": cannot open this thread's own: " + why(error));
  }
  if (::setns(target, CLONE_NEWNET) != 0) {
    const int error = errno;
    ::close(target);
    ::close(original_fd_);
    throw NetnsError("cannot enter network namespace " + path + ": " + why(error) +
                     (error == EINVAL ? " (not a network namespace)" : ""));
  }
  ::close(target);
}

NetnsBinding::~NetnsBinding() {
  // A thread left in the wrong namespace would bind every later socket there: not survivable.
  if (::setns(original_fd_, CLONE_NEWNET) != 0) {
    std::fprintf(stderr, "fake-consul: cannot return to the original network namespace: %s\n", std::strerror(errno));
    std::abort();
  }
  ::close(original_fd_);
}

}  // namespace fakes::consul
