#pragma once
// The web UI: one self-contained page (HTML + JS) that reads the public HTTP API.
#include <string_view>

namespace fakes::consul {

class ApiCall;

/// The page, embedded at build time from fakes/consul/ui/index.html.
std::string_view ui_index_html();

/// GET /ui -> 301 /ui/; GET /ui/ (and any /ui/<path>, for deep links) -> the page.
bool route_ui(ApiCall& call);

}  // namespace fakes::consul
