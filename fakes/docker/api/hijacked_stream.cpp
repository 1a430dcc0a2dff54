#include "fakes/docker/api/hijacked_stream.hpp"

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>

namespace fakes::docker {

namespace {

constexpr auto kPollEvery = std::chrono::milliseconds(1);
constexpr int kMaxPolls = 2000;
// Where the kernel cannot say (TCP): about what runc takes to start a process.
constexpr auto kUnknowablePause = std::chrono::milliseconds(20);

struct HeadWait : std::enable_shared_from_this<HeadWait> {
  HeadWait(boost::asio::io_context& io, fakes::http::ExchangePtr ex, std::function<void()> then)
      : timer(io), ex(std::move(ex)), then(std::move(then)) {}

  void check() {
    const auto unread = ex->unread_by_peer();
    if (!ex->is_open() || (unread && *unread == 0) || polls >= kMaxPolls) return then();
    ++polls;
    timer.expires_after(unread ? std::chrono::milliseconds(kPollEvery) : kUnknowablePause);
    if (!unread) polls = kMaxPolls;  // one pause, then go on
    timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (!ec) self->check();
    });
  }

  boost::asio::steady_timer timer;
  fakes::http::ExchangePtr ex;
  std::function<void()> then;
  int polls = 0;
};

}  // namespace

void begin_hijacked(boost::asio::io_context& io, const fakes::http::ExchangePtr& ex, std::string head,
                    std::function<void()> then) {
  ex->begin_raw(std::move(head));
  std::make_shared<HeadWait>(io, ex, std::move(then))->check();
}

}  // namespace fakes::docker
