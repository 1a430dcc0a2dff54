// Rendered container views kept per revision and API version (inspect, list entries with the
// Status words spliced in per request), and the Status words themselves ("Up 5 minutes",
// "Exited (0) 2 hours ago") as the engine writes them.
#include "fakes/docker/json/json_views.hpp"

#include <algorithm>

namespace fakes::docker {

namespace {

enum ViewKind { kInspect = 0, kSummary = 1, kSummaryWithSize = 2 };

// The list entry's Status value while it is cached: replaced by the current text per request.
constexpr const char* kStatusPlaceholder = "\x01status\x01";
const std::string kStatusPlaceholderJson = "\"Status\":" + Json(kStatusPlaceholder).dump();

const CachedView* find_view(const Container& c, int version_key, int kind) {
  for (const auto& v : c.cached_views)
    if (v.revision == c.revision && v.version_key == version_key && v.kind == kind) return &v;
  return nullptr;
}

CachedView& add_view(const Container& c, int version_key, int kind) {
  // Views of an older revision are never used again.
  std::erase_if(c.cached_views, [&](const CachedView& v) { return v.revision != c.revision; });
  c.cached_views.push_back({c.revision, version_key, kind, {}, {}, {}});
  return c.cached_views.back();
}

int version_key(ApiVersion v) { return v.major * 1000 + v.minor; }

}  // namespace

const CachedView& container_inspect_view(const Container& c, ApiVersion version) {
  if (const auto* v = find_view(c, version_key(version), kInspect)) return *v;
  auto& view = add_view(c, version_key(version), kInspect);
  view.head = write_container_inspect(c, version);
  return view;
}

const std::string& container_inspect_text(const Container& c, ApiVersion version) {
  return container_inspect_view(c, version).head;
}

void append_container_summary(std::string& out, const Container& c, std::int64_t now_nanos, bool with_size,
                              ApiVersion version) {
  const int kind = with_size ? kSummaryWithSize : kSummary;
  const CachedView* v = find_view(c, version_key(version), kind);
  if (!v) {
    auto j = container_summary_json(c, now_nanos, with_size, version);
    j["Status"] = kStatusPlaceholder;
    const auto text = j.dump();
    // Status comes after every client-supplied string but the network names, so the last match
    // is ours.
    const auto at = text.rfind(kStatusPlaceholderJson);
    auto& view = add_view(c, version_key(version), kind);
    view.head = text.substr(0, at) + "\"Status\":";
    view.tail = text.substr(at + kStatusPlaceholderJson.size());
    v = &view;
  }
  out += v->head;
  out += '"';
  out += status_text(c.state, now_nanos);  // plain ASCII words and digits: nothing to escape
  out += '"';
  out += v->tail;
}

std::string human_duration(std::int64_t nanos) {
  const std::int64_t seconds = nanos / 1'000'000'000;
  if (seconds < 1) return "Less than a second";
  if (seconds == 1) return "1 second";
  if (seconds < 60) return std::to_string(seconds) + " seconds";
  const std::int64_t minutes = seconds / 60;
  if (minutes == 1) return "About a minute";
  if (minutes < 60) return std::to_string(minutes) + " minutes";
  const std::int64_t hours = minutes / 60;
  if (hours == 1) return "About an hour";
  if (hours < 48) return std::to_string(hours) + " hours";
  if (hours < 24 * 7 * 2) return std::to_string(hours / 24) + " days";
  if (hours < 24 * 30 * 2) return std::to_string(hours / 24 / 7) + " weeks";
  if (hours < 24 * 365 * 2) return std::to_string(hours / 24 / 30) + " months";
  return std::to_string(hours / 24 / 365) + " years";
}

std::string status_text(const ContainerState& state, std::int64_t now_nanos) {
  if (state.running) {
    std::string s = "Up " + human_duration(now_nanos - state.started_at);
    if (state.paused) return s + " (Paused)";
    if (!state.health.empty()) {
      if (state.health == "starting") return s + " (health: starting)";
      return s + " (" + state.health + ")";
    }
    return s;
  }
  if (state.status == "created") return "Created";
  if (state.status == "exited")
    return "Exited (" + std::to_string(state.exit_code) + ") " + human_duration(now_nanos - state.finished_at) + " ago";
  return state.status;
}

}  // namespace fakes::docker
