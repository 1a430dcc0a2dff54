#pragma once
// Binding a listener inside another network namespace: a socket keeps the namespace it was
// created in, so the calling thread enters the namespace, creates and binds the socket, and
// goes back. Only the calling thread moves (setns on a thread), never the whole process.

#include <stdexcept>
#include <string>

namespace fakes::consul {

/// The namespace file could not be opened or entered; what() names the path.
class NetnsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// RAII: while alive, the calling thread is in the network namespace at `path`
/// (e.g. /var/run/netns/X); the destructor returns it to the namespace it was in.
class NetnsBinding {
 public:
  /// Throws NetnsError naming the path when it cannot be opened or is not a network namespace.
  explicit NetnsBinding(const std::string& path);
  ~NetnsBinding();
  NetnsBinding(const NetnsBinding&) = delete;
  NetnsBinding& operator=(const NetnsBinding&) = delete;

 private:
  int original_fd_ = -1;  // the thread's namespace before entering, to return to
};

/// Runs f() with the calling thread inside the namespace at `path`, or where it is when
/// `path` is empty.
template <class F>
auto in_netns(const std::string& path, F&& f) {
  if (path.empty()) return f();
  NetnsBinding inside(path);
  return f();
}

}  // namespace fakes::consul
