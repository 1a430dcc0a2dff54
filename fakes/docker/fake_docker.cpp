#include "fakes/docker/fake_docker.hpp"

#include "fakes/docker/engine/docker_error.hpp"
#include "fakes/docker/api/responses.hpp"

#include "fakes/common/http/server.hpp"

#include <stdexcept>

namespace fakes::docker {

FakeDocker::FakeDocker(FakeDockerOptions options)
    : options_(std::move(options)), owned_io_(std::make_unique<boost::asio::io_context>()), io_(*owned_io_) {
  init();
}

FakeDocker::FakeDocker(FakeDockerOptions options, boost::asio::io_context& shared_io)
    : options_(std::move(options)), io_(shared_io) {
  init();
}

void FakeDocker::init() {
  engine_ = std::make_unique<Engine>(
      EngineOptions{options_.seed, options_.images, options_.clock, options_.event_history, options_.bridge_octet});
  // A snapshot's containers, those sharing another's network (container:<id>) after the others.
  for (bool sharing : {false, true})
    for (const auto& restored : options_.state)
      if (restored.spec.host_config.network_mode.starts_with("container:") == sharing)
        try {
          for (const auto& note : engine_->restore(restored)) restore_notes_.push_back(note);
        } catch (const DockerError& e) {
          throw std::runtime_error("cannot restore container /" + restored.spec.name + " (" + restored.id.substr(0, 12) +
                                   "): " + e.what());
        }
  engine_->clear_events();  // a daemon that just started has no event history
  ServerIdentity identity{options_.api_version, options_.min_api_version, engine_release_for(options_.api_version)};
  api_ = std::make_unique<DockerApi>(io_, *engine_, identity, options_.request_log_limit);
  api_->set_control_handler([this](const http::ExchangePtr& ex, const http::Target& t) { handle_control(ex, t); });
}

FakeDocker::~FakeDocker() { stop(); }

void FakeDocker::listen() {
  http::ServerOptions server_options;
  server_options.body_limit = options_.body_limit;
  server_options.make_error = [identity = api_->server()](http::Status status, std::string_view message) {
    return error_response(static_cast<int>(status), message, identity);
  };
  server_ = std::make_unique<http::Server>(io_, [this](const http::ExchangePtr& ex) { api_->handle(ex); },
                                           server_options);
  if (!options_.socket_path.empty()) server_->listen_unix(options_.socket_path);
  if (!options_.tcp_host.empty())
    // After a daemon restart, come back on the port the first start resolved.
    tcp_port_ = server_->listen_tcp(options_.tcp_host, tcp_port_ ? tcp_port_ : options_.tcp_port);
}

void FakeDocker::start() {
  if (options_.socket_path.empty() && options_.tcp_host.empty())
    throw std::runtime_error("fake-docker needs a unix socket path or a TCP address to listen on");
  try {
    listen();
  } catch (const std::exception& e) {
    server_.reset();
    throw std::runtime_error(std::string("cannot listen: ") + e.what());
  }
  if (owned_io_) {
    work_.emplace(io_.get_executor());
    thread_ = std::thread([this] { io_.run(); });
  }
  running_ = true;
}

void FakeDocker::stop() {
  auto shut_down = [this] {
    if (restart_timer_) restart_timer_->cancel();
    api_->event_streams().drop_all();
    api_->stops().cancel_all();
    if (server_) server_->stop();
  };
  if (thread_.joinable()) {
    boost::asio::post(io_, shut_down);
    work_.reset();
    // Sessions finish their cancelled operations and the loop runs dry.
    thread_.join();
    running_ = false;
  } else if (running_ && !owned_io_) {
    // A shared loop keeps running for the other hosts; the server object is released by the
    // destructor, once the owner has stopped the loop.
    on_io(shut_down);
    running_ = false;
    return;
  } else if (server_) {
    server_->stop();
  }
  server_.reset();
}

void FakeDocker::exit_container(const std::string& ref, int exit_code) {
  on_io([&] { engine_->exit(ref, exit_code); });
}

void FakeDocker::set_term_behaviour(const std::string& ref, TermBehaviour behaviour) {
  on_io([&] { engine_->set_term_behaviour(ref, behaviour); });
}

void FakeDocker::set_health(const std::string& ref, const std::string& status) {
  on_io([&] { engine_->set_health(ref, status); });
}

void FakeDocker::print(const std::string& ref, OutputStream stream, const std::string& text) {
  on_io([&] { engine_->print(ref, stream, text); });
}

void FakeDocker::script_exec(const std::string& ref, const std::vector<std::string>& cmd, ExecResult result) {
  on_io([&] { engine_->script_exec(ref, cmd, std::move(result)); });
}

void FakeDocker::drop_event_streams() {
  on_io([&] { api_->event_streams().drop_all(); });
}

void FakeDocker::restart_on_io(RestartOptions options, std::function<void()> done) {
  api_->event_streams().drop_all();
  api_->stops().cancel_all();
  if (server_) server_->stop();  // closes connections and removes the socket file
  engine_->restart_daemon(options.live_restore);
  restart_timer_ = std::make_unique<boost::asio::steady_timer>(io_, options.downtime);
  restart_timer_->async_wait([this, done](const boost::system::error_code& ec) {
    if (ec) return;
    // The old server object must outlive this turn: its sessions still reference it.
    auto old = std::shared_ptr<http::Server>(std::move(server_));
    boost::asio::post(io_, [old] {});
    listen();
    done();
  });
}

void FakeDocker::restart_daemon(RestartOptions options) {
  std::promise<void> relistened;
  auto ready = relistened.get_future();
  const bool inline_call = io_.get_executor().running_in_this_thread();
  on_io([&] { restart_on_io(options, [&relistened, inline_call] { if (!inline_call) relistened.set_value(); }); });
  if (!inline_call) ready.get();
}

std::vector<RequestRecord> FakeDocker::request_log() const {
  return on_io([&] { return api_->request_log(); });
}

void FakeDocker::clear_request_log() {
  on_io([&] { api_->clear_request_log(); });
}

std::optional<Container> FakeDocker::container(const std::string& ref) const {
  return on_io([&]() -> std::optional<Container> {
    if (auto c = engine_->find(ref)) return *c;
    return std::nullopt;
  });
}

std::vector<Event> FakeDocker::events() const {
  return on_io([&] {
    const auto& h = engine_->events().history();
    return std::vector<Event>(h.begin(), h.end());
  });
}

std::size_t FakeDocker::event_stream_count() const {
  return on_io([&] { return api_->event_streams().open_count(); });
}

std::size_t FakeDocker::exit_waiter_count() const {
  return on_io([&] { return api_->waiters().waiting_count(); });
}

std::size_t FakeDocker::output_follower_count() const {
  return on_io([&] { return api_->followers().count(); });
}

}  // namespace fakes::docker
