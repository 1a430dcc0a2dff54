#include "fakes/consul/responses/blocking_queries.hpp"

#include "fakes/consul/responses/consul_response.hpp"
#include "fakes/consul/requests/go_duration.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <charconv>
#include <vector>

namespace fakes::consul {

namespace {

bool answers_now(std::uint64_t index, std::uint64_t min_index, bool any_change) {
  return min_index == 0 || (any_change ? index != min_index : index > min_index);
}

}  // namespace

struct BlockingQueries::Parked {
  Parked(boost::asio::io_context& io, fakes::http::ExchangePtr ex, const BlockingParams& params, RenderView r)
      : exchange(std::move(ex)), min_index(params.min_index), any_change(params.any_change), render(std::move(r)), timer(io) {}
  fakes::http::ExchangePtr exchange;
  std::uint64_t min_index;
  bool any_change;
  RenderView render;
  boost::asio::steady_timer timer;
  bool done = false;
  // Where it sits in parked_, so leaving is O(1): 10,000 watchers released by one change must
  // not cost 10,000 list scans.
  std::list<std::shared_ptr<Parked>>::iterator position;
  bool listed = false;
};

void BlockingQueries::unlist(Parked& parked) {
  if (!parked.listed) return;
  parked.listed = false;
  parked_.erase(parked.position);
}

std::variant<BlockingParams, std::string> parse_blocking_params(const fakes::http::Target& target) {
  BlockingParams params;
  if (target.has("index")) {
    const std::string text = target.get("index");
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), params.min_index);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::string("Invalid index");
  }
  if (target.has("wait")) {
    auto wait = parse_go_duration(target.get("wait"));
    if (!wait || wait->count() < 0) return std::string("Invalid wait time");
    params.wait = std::chrono::duration_cast<std::chrono::milliseconds>(*wait);
  }
  return params;
}

QueryView make_view(std::uint64_t index, fakes::http::Response response) {
  add_query_meta(response, index);
  QueryView view;
  view.index = index;
  view.wire = std::make_shared<const std::string>(fakes::http::wire_response(response));
  view.response = std::make_shared<const fakes::http::Response>(std::move(response));
  return view;
}

void QueryView::answer(const fakes::http::ExchangePtr& exchange) const {
  if (!exchange->respond_wire(wire, response->result_int())) exchange->respond(*response);
}

BlockingQueries::BlockingQueries(boost::asio::io_context& io) : io_(io) {}

BlockingQueries::~BlockingQueries() {
  *alive_ = false;
  for (auto& p : parked_) p->timer.cancel();
}

void BlockingQueries::serve(const fakes::http::ExchangePtr& exchange, const BlockingParams& params, RenderView render) {
  QueryView view = render();
  if (answers_now(view.index, params.min_index, params.any_change)) {
    view.answer(exchange);
    return;
  }
  auto wait = params.wait.count() > 0 ? params.wait : kDefaultWait;
  if (wait > kMaxWait) wait = kMaxWait;
  // Consul adds up to wait/16 of jitter so that many watchers do not return together.
  if (auto spread = wait.count() / 16; spread > 0)
    wait += std::chrono::milliseconds(std::uniform_int_distribution<long long>(0, spread)(rng_));

  auto parked = std::make_shared<Parked>(io_, exchange, params, std::move(render));
  parked->position = parked_.insert(parked_.end(), parked);
  parked->listed = true;
  std::weak_ptr<Parked> weak = parked;
  exchange->on_close([this, weak, alive = std::weak_ptr<bool>(alive_)] {
    auto a = alive.lock();
    auto p = weak.lock();
    if (!a || !*a || !p) return;
    p->done = true;
    p->timer.cancel();
    unlist(*p);
  });
  parked->timer.expires_after(wait);
  parked->timer.async_wait([this, weak, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
    auto a = alive.lock();
    auto p = weak.lock();
    if (ec || !a || !*a || !p) return;
    finish(p);
  });
}

void BlockingQueries::finish(const std::shared_ptr<Parked>& parked) {
  if (parked->done) return;
  parked->done = true;
  parked->timer.cancel();
  auto keep = parked;  // unlisting may drop the last owner
  unlist(*keep);
  keep->render().answer(keep->exchange);
}

void BlockingQueries::notify_change() {
  if (evaluation_pending_) return;
  evaluation_pending_ = true;
  boost::asio::post(io_, [this, alive = std::weak_ptr<bool>(alive_)] {
    auto a = alive.lock();
    if (!a || !*a) return;
    evaluation_pending_ = false;
    evaluate();
  });
}

void BlockingQueries::evaluate() {
  fakes::http::SendBatch batch;  // the answers go out together when this returns
  const std::vector<std::shared_ptr<Parked>> snapshot(parked_.begin(), parked_.end());
  for (const auto& p : snapshot) {
    if (p->done) continue;
    QueryView view = p->render();
    if (answers_now(view.index, p->min_index, p->any_change)) {
      p->done = true;
      p->timer.cancel();
      unlist(*p);
      view.answer(p->exchange);
    }
  }
}

void BlockingQueries::release_all() {
  fakes::http::SendBatch batch;
  const std::vector<std::shared_ptr<Parked>> snapshot(parked_.begin(), parked_.end());
  for (const auto& p : snapshot) finish(p);
}

}  // namespace fakes::consul
