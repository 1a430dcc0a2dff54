#include "fakes/consul/requests/request_log.hpp"

#include <chrono>

#include "fakes/consul/responses/consul_response.hpp"

#include <memory>

namespace fakes::consul {

// Forwards everything to the real exchange and notes the status it was answered with.
class LoggedExchange final : public fakes::http::Exchange {
 public:
  LoggedExchange(fakes::http::ExchangePtr inner, RequestLog& log, std::uint64_t sequence,
                 std::weak_ptr<bool> log_alive)
      : inner_(std::move(inner)), log_(log), sequence_(sequence), log_alive_(std::move(log_alive)) {}
  const fakes::http::Request& request() const override { return inner_->request(); }
  void respond(fakes::http::Response r) override {
    note(r.result_int());
    inner_->respond(std::move(r));
  }
  bool respond_wire(const std::shared_ptr<const std::string>& wire, unsigned status) override {
    if (!inner_->respond_wire(wire, status)) return false;
    note(status);
    return true;
  }
  void begin_stream(fakes::http::Response h) override {
    note(h.result_int());
    inner_->begin_stream(std::move(h));
  }
  void send_chunk(std::string_view d) override { inner_->send_chunk(d); }
  void end_stream() override { inner_->end_stream(); }
  bool is_open() const override { return inner_->is_open(); }
  void on_close(std::function<void()> cb) override { inner_->on_close(std::move(cb)); }
  void abort() override { inner_->abort(); }
  std::string_view transport() const override { return inner_->transport(); }

 private:
  void note(unsigned status) {
    if (auto alive = log_alive_.lock(); alive && *alive) log_.set_status(sequence_, status);
  }
  fakes::http::ExchangePtr inner_;
  RequestLog& log_;
  std::uint64_t sequence_;
  std::weak_ptr<bool> log_alive_;
};


fakes::http::ExchangePtr RequestLog::record(const fakes::http::ExchangePtr& exchange) {
  RequestRecord rec;
  rec.sequence = next_sequence_++;
  rec.time_nano = std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  rec.method = std::string(exchange->request().method_string());
  rec.target = std::string(exchange->request().target());
  rec.body = exchange->request().body().substr(0, 4096);
  entries_.push_back(std::move(rec));
  if (entries_.size() > kMaxEntries) entries_.pop_front();
  return std::make_shared<LoggedExchange>(exchange, *this, entries_.back().sequence, alive_);
}

void RequestLog::set_status(std::uint64_t sequence, unsigned status) {
  // Sequences in the log are consecutive (entries leave only from the front, or all at once).
  if (entries_.empty() || sequence < entries_.front().sequence) return;
  const auto position = sequence - entries_.front().sequence;
  if (position < entries_.size() && entries_[position].sequence == sequence) entries_[position].status = status;
}

}  // namespace fakes::consul
