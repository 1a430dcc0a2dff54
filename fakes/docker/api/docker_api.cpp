#include "fakes/docker/api/docker_api.hpp"

#include <boost/asio/steady_timer.hpp>

#include "fakes/docker/engine/docker_error.hpp"
#include "fakes/docker/api/responses.hpp"

namespace fakes::docker {

namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::size_t pos = 1;
  while (pos <= path.size()) {
    auto next = path.find('/', pos);
    if (next == std::string::npos) next = path.size();
    out.push_back(path.substr(pos, next - pos));
    pos = next + 1;
  }
  while (!out.empty() && out.back().empty()) out.pop_back();  // tolerate a trailing slash
  return out;
}

}  // namespace

DockerApi::DockerApi(boost::asio::io_context& io, Engine& engine, ServerIdentity server, std::size_t request_log_limit)
    : io_(io),
      engine_(engine),
      server_(server),
      faults_([this](unsigned status, const std::string& message) {
        return error_response(static_cast<int>(status), message, server_);
      }),
      streams_(io, engine),
      waiters_(engine),
      stops_(io, engine),
      followers_(io, engine),
      log_limit_(request_log_limit) {}

void DockerApi::respond_json(const Call& call, http::Status status, const Json& body) {
  call.ex->respond(json_response(status, body, server_));
}

void DockerApi::respond_json_text(const Call& call, http::Status status, std::string body) {
  call.ex->respond(json_text_response(status, std::move(body), server_));
}

void DockerApi::respond_empty(const Call& call, http::Status status) {
  call.ex->respond(empty_response(status, server_));
}

void DockerApi::handle(const http::ExchangePtr& ex) {
  const auto& req = ex->request();
  auto target = http::parse_target(req.target());
  if (!target) {
    ex->respond(error_response(400, "malformed request target: bad percent-escape", server_));
    return;
  }
  if (target->path.rfind("/_fake/", 0) == 0 && control_) {
    try {
      control_(ex, *target);
    } catch (const DockerError& e) {
      ex->respond(error_response(e.status(), e.what(), server_));
    }
    return;
  }
  log_.push_back(RequestRecord{engine_.now(), std::string(req.method_string()), std::string(req.target()),
                               std::string(ex->transport()), std::string(req[http::bhttp::field::user_agent])});
  while (log_.size() > log_limit_) log_.pop_front();

  const auto fault = faults_.intercept(ex, split_version_prefix(target->path).rest);
  if (fault.taken) return;
  if (fault.delay.count() > 0) {
    // Added latency: the normal answer, later (the client may give up meanwhile).
    auto timer = std::make_shared<boost::asio::steady_timer>(io_, fault.delay);
    timer->async_wait([this, timer, alive = std::weak_ptr<bool>(alive_), ex, target = std::move(*target)](
                          const boost::system::error_code& ec) {
      if (!ec && !alive.expired() && ex->is_open()) serve(ex, target);
    });
    return;
  }
  serve(ex, *target);
}

void DockerApi::serve(const http::ExchangePtr& ex, const http::Target& target) {
  const auto& req = ex->request();
  auto versioned = split_version_prefix(target.path);
  ApiVersion version = server_.max_version;
  if (versioned.version) {
    version = *versioned.version;
    if (version < server_.min_version) {
      ex->respond(error_response(400,
                                 "client version " + versioned.version_text +
                                     " is too old. Minimum supported API version is " +
                                     server_.min_version.to_string() + ", please upgrade your client to a newer version",
                                 server_));
      return;
    }
    if (version > server_.max_version) {
      ex->respond(error_response(400,
                                 "client version " + versioned.version_text +
                                     " is too new. Maximum supported API version is " + server_.max_version.to_string(),
                                 server_));
      return;
    }
  }
  Call call{ex, req.method(), split_path(versioned.rest), target, version};
  try {
    route(call);
  } catch (const DockerError& e) {
    // A stream that already started cannot change its status; drop it instead.
    if (ex->is_open()) ex->respond(error_response(e.status(), e.what(), server_));
  } catch (const std::exception& e) {
    ex->respond(error_response(500, std::string("internal error in fake-docker: ") + e.what(), server_));
  }
}

void DockerApi::route(const Call& call) {
  if (route_system(call) || route_container_io(call) || route_exec(call) || route_containers(call) || route_images(call) || route_networks(call)) return;
  respond_json(call, http::Status::not_found, Json{{"message", "page not found"}});
}

}  // namespace fakes::docker
