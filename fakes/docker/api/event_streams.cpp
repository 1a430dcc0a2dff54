#include "fakes/docker/api/event_streams.hpp"

#include "fakes/docker/engine/docker_error.hpp"
#include "fakes/docker/filters/event_filter.hpp"
#include "fakes/docker/api/responses.hpp"

#include <boost/asio/steady_timer.hpp>

#include <chrono>

namespace fakes::docker {

// One event's text, serialized once per API version however many streams carry it.
class EventText {
 public:
  explicit EventText(const Event& e) : event_(e) {}
  const std::string& line(ApiVersion version) {
    for (const auto& [v, text] : texts_)
      if (v == version) return text;
    texts_.emplace_back(version, event_json(event_, version).dump() + "\n");
    return texts_.back().second;
  }

 private:
  const Event& event_;
  std::vector<std::pair<ApiVersion, std::string>> texts_;
};

struct EventStreams::Stream {
  explicit Stream(boost::asio::io_context& io) : until_timer(io) {}
  http::ExchangePtr ex;
  FilterArgs filters;
  ApiVersion version;
  bool json_seq = false;
  std::string pending;  // live events not yet written (see EventStreams::broadcast)
  boost::asio::steady_timer until_timer;

  void queue(const Event& e, EventText& text) {
    if (!ex->is_open() || !event_matches(e, filters)) return;
    // RFC 7464 json-seq prefixes each record with RS (0x1E).
    if (json_seq) pending += '\x1e';
    pending += text.line(version);
  }
  void flush() {
    if (pending.empty()) return;
    if (ex->is_open()) ex->send_chunk(pending);
    pending.clear();
  }
};

namespace {

std::int64_t parse_time_param(const http::Target& target, const std::string& key) {
  std::int64_t nanos = 0;
  const std::string value = target.get(key);
  if (!parse_unix_seconds(value, nanos))
    throw bad_parameter("invalid value for " + key + ": \"" + value + "\" is not a Unix timestamp in seconds");
  return nanos;
}

std::string content_type_for(ApiVersion version, const std::string& accept) {
  // Before 1.52 the engine always said application/json although the body is a JSON stream.
  if (version < ApiVersion{1, 52}) return "application/json";
  if (accept.find("application/json-seq") != std::string::npos) return "application/json-seq";
  if (accept.find("application/x-ndjson") != std::string::npos) return "application/x-ndjson";
  return "application/jsonl";
}

}  // namespace

EventStreams::EventStreams(boost::asio::io_context& io, Engine& engine)
    : io_(io), engine_(engine), flush_timer_(io) {
  // One subscription for all streams: each event is serialized once per API version in use.
  subscription_ = engine_.events().subscribe([this](const Event& e) { broadcast(e); });
}

EventStreams::~EventStreams() { engine_.events().unsubscribe(subscription_); }

void EventStreams::broadcast(const Event& e) {
  if (streams_.empty()) return;
  EventText text(e);
  for (const auto& [id, stream] : streams_)
    stream->queue(e, text);
  // An event after a quiet spell is written at once. Within kCoalesce of the last write, events
  // wait for the flush timer and leave together: one write per stream per kCoalesce instead of
  // one per event, which is what lets 100 streams keep up with thousands of events a second.
  if (flush_armed_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_flush_ >= kCoalesce) return flush_all(now);
  flush_armed_ = true;
  flush_timer_.expires_at(last_flush_ + kCoalesce);
  flush_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled: this object may be gone
    flush_armed_ = false;
    flush_all(std::chrono::steady_clock::now());
  });
}

void EventStreams::flush_all(std::chrono::steady_clock::time_point now) {
  last_flush_ = now;
  // A write that finds the client gone closes the connection at once, and its close callback
  // finishes the stream, erasing it from streams_: walk a copy, never the map itself.
  std::vector<std::shared_ptr<Stream>> streams;
  streams.reserve(streams_.size());
  for (const auto& [id, stream] : streams_) streams.push_back(stream);
  for (const auto& stream : streams) stream->flush();
}

void EventStreams::open(const http::ExchangePtr& ex, ApiVersion version, const http::Target& target,
                        const ServerIdentity& server) {
  const bool has_since = target.has("since") && !target.get("since").empty();
  const bool has_until = target.has("until") && !target.get("until").empty();
  const std::int64_t since = has_since ? parse_time_param(target, "since") : 0;
  const std::int64_t until = has_until ? parse_time_param(target, "until") : 0;
  if (has_since && has_until && until < since)
    throw bad_parameter("`since` time (" + target.get("since") + ") cannot be after `until` time (" +
                        target.get("until") + ")");
  FilterArgs filters = parse_filter_args(target.get("filters"));
  validate_event_filters(filters);

  auto stream = std::make_shared<Stream>(io_);
  stream->ex = ex;
  stream->filters = std::move(filters);
  stream->version = version;
  const std::string accept(ex->request()[http::bhttp::field::accept]);
  const std::string type = content_type_for(version, accept);
  stream->json_seq = type == "application/json-seq";

  auto header = http::make_response(http::Status::ok, "", type);
  add_engine_headers(header, server);
  ex->begin_stream(std::move(header));

  const std::int64_t now = engine_.now();
  if (has_since) {
    for (const auto& e : engine_.events().between(since, has_until ? until : now)) {
      EventText text(e);
      stream->queue(e, text);
    }
    stream->flush();
  }
  if (has_until && until <= now) {
    ex->end_stream();
    return;
  }

  const std::uint64_t id = next_id_++;
  streams_[id] = stream;
  ex->on_close([this, id, alive = std::weak_ptr<int>(alive_)] {
    if (alive.lock()) finish(id, false);
  });
  // A client that hung up before its replay was written is closed already, and the callback
  // just registered will never run: nothing else would take this stream out again.
  if (!ex->is_open()) return finish(id, true);
  if (has_until) {
    stream->until_timer.expires_after(std::chrono::nanoseconds(until - now));
    stream->until_timer.async_wait([this, id](const boost::system::error_code& ec) {
      if (!ec) finish(id, false);
    });
  }
}

void EventStreams::finish(std::uint64_t id, bool abort) {
  auto it = streams_.find(id);
  if (it == streams_.end()) return;
  auto stream = it->second;
  streams_.erase(it);
  stream->until_timer.cancel();
  if (!stream->ex->is_open()) return;
  if (!abort) stream->flush();  // what it was due before the end
  if (abort)
    stream->ex->abort();
  else
    stream->ex->end_stream();
}

void EventStreams::drop_all() {
  std::vector<std::uint64_t> ids;
  for (const auto& [id, _] : streams_) ids.push_back(id);
  for (auto id : ids) finish(id, true);
}

}  // namespace fakes::docker
