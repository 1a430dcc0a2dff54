#pragma once
// The SendBatch collecting on this thread, for sessions that write shared answers. Internal.

#include "fakes/common/http/connection.hpp"

#include <memory>
#include <string_view>
#include <vector>

namespace fakes::http {

struct SendBatch::Entry {
  std::shared_ptr<detail::Connection> connection;
  int fd = -1;
  std::string_view bytes;  // owned by the connection's queue until batched_send_done
  std::size_t sent = 0;
  bool failed = false;
};

namespace detail {
/// The batch collecting on this thread (the io thread), or null.
std::vector<SendBatch::Entry>* active_send_batch();
}  // namespace detail

}  // namespace fakes::http
