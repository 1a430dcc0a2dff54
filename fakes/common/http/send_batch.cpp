// SendBatch: answers collected while one is alive are sent together when it ends, the system
// calls spread over the io thread and up to three helper threads. The helpers only call send()
// on file descriptors; every connection's state is touched on the io thread, before and after.
#include "fakes/common/http/send_batch.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <system_error>
#include <thread>

namespace fakes::http {
namespace {

thread_local std::vector<SendBatch::Entry>* current_batch = nullptr;

void send_entry(SendBatch::Entry& e) {
  while (e.sent < e.bytes.size()) {
    const ssize_t n = ::send(e.fd, e.bytes.data() + e.sent, e.bytes.size() - e.sent, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      e.sent += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      e.failed = n < 0 && errno != EAGAIN && errno != EWOULDBLOCK;
      return;  // a full socket buffer: the connection's own asynchronous write sends the rest
    }
  }
}

// Below this many answers a second thread costs more than it saves.
constexpr std::size_t kParallelSendThreshold = 256;

void send_all(std::vector<SendBatch::Entry>& entries) {
  std::size_t helpers = 0;
  if (entries.size() >= kParallelSendThreshold)
    helpers = std::min<std::size_t>(3, std::max(1u, std::thread::hardware_concurrency()) - 1);
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    constexpr std::size_t kChunk = 32;
    for (std::size_t begin; (begin = next.fetch_add(kChunk)) < entries.size();)
      for (std::size_t i = begin; i < std::min(entries.size(), begin + kChunk); ++i) send_entry(entries[i]);
  };
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < helpers; ++i) {
    try {
      threads.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // no thread to be had: this one sends everything
    }
  }
  work();
  for (auto& t : threads) t.join();
}

}  // namespace

std::vector<SendBatch::Entry>* detail::active_send_batch() { return current_batch; }

SendBatch::SendBatch() {
  if (current_batch) return;  // nested: the outer batch sends
  current_batch = new std::vector<Entry>();
  owner_ = true;
}

SendBatch::~SendBatch() {
  if (!owner_) return;
  std::unique_ptr<std::vector<Entry>> entries(current_batch);
  current_batch = nullptr;
  std::vector<Entry> live;
  live.reserve(entries->size());
  for (auto& e : *entries)
    if (e.connection->open()) live.push_back(std::move(e));
  send_all(live);
  for (auto& e : live) e.connection->batched_send_done(e.sent, e.failed);
  for (auto& e : *entries)
    if (e.connection) e.connection->batched_send_done(0, false);  // closed meanwhile: just release
}

}  // namespace fakes::http
