#include "fakes/consul/fake_consul.hpp"

#include "fakes/consul/acl/acl_store.hpp"
#include "fakes/consul/checks/check_runner.hpp"
#include "fakes/consul/datacenters/datacenter_routing.hpp"
#include "fakes/consul/datacenters/datacenter_state.hpp"
#include "fakes/consul/datacenters/wan_forwarder.hpp"
#include "fakes/consul/endpoints/api_call.hpp"
#include "fakes/consul/endpoints/control_endpoints.hpp"
#include "fakes/consul/endpoints/shared_shapes.hpp"
#include "fakes/consul/netns_binding.hpp"
#include "fakes/consul/requests/query_parameters.hpp"
#include "fakes/consul/state/catalog_directory.hpp"
#include "fakes/consul/ui/ui_endpoints.hpp"

#include "fakes/common/http/server.hpp"
#include "fakes/common/url.hpp"
#include "fakes/dns/dns_server.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <future>

namespace fakes::consul {

struct FakeConsul::Impl {
  Impl(boost::asio::io_context& io_, FakeConsulOptions options_)
      : io(io_),
        options(with_acl_store(std::move(options_))),
        clock(options.clock ? options.clock : &steady_clock),
        home(add_datacenter(options.agent.datacenter)),
        catalog(home.catalog),
        context{catalog, options.agent, home.blocking, home.rendered, &datacenter_names},
        directory([this](std::string_view dc) -> const Catalog* {
          DatacenterState* state = find_datacenter(dc);
          return state ? &state->catalog : nullptr;
        }),
        faults([](unsigned status, const std::string& body) { return text_error(static_cast<Status>(status), body); }),
        anti_entropy_timer(io) {
    for (const auto& peer : options.wan) datacenter_names.push_back(peer.datacenter);
    context.directory = &directory;
    directory.set_datacenter_names(&datacenter_names);
    directory.set_wan_peers(&options.wan);
  }

  /// One ACL state for the process, which every agent's and datacenter's config shares.
  static FakeConsulOptions with_acl_store(FakeConsulOptions o) {
    if (o.agent.acl_store) return o;
    AclSettings acl;
    acl.enabled = o.agent.acl_default_policy || o.agent.acl_master_token;
    acl.default_allow = o.agent.acl_default_policy == "allow";
    acl.initial_management = o.agent.acl_master_token;
    acl.anonymous_reads_all = !o.agent.acl_default_policy;  // the older --acl-master-token alone
    o.agent.acl_store = std::make_shared<AclStore>(std::move(acl));
    return o;
  }

  /// The in-process datacenter of that name (case-insensitive), created on first use.
  DatacenterState& add_datacenter(const std::string& name) {
    if (DatacenterState* known = find_datacenter(name)) return *known;
    AgentConfig servers = options.agent;
    servers.datacenter = name;
    DatacenterTiming timing{options.clock == nullptr, options.reap_interval, options.deregister_critical_min};
    datacenters.push_back(std::make_unique<DatacenterState>(io, *clock, std::move(servers), timing));
    datacenters.back()->server_context().directory = &directory;
    datacenters.back()->server_context().datacenters = &datacenter_names;
    datacenter_names.push_back(name);
    return *datacenters.back();
  }

  DatacenterState* find_datacenter(std::string_view name) {
    for (auto& dc : datacenters)
      if (iequals(dc->name(), name)) return dc.get();
    return nullptr;
  }

  const WanPeer* find_peer(std::string_view name) const {
    for (const auto& peer : options.wan)
      if (iequals(peer.datacenter, name)) return &peer;
    return nullptr;
  }

  void handle(FakeConsul& owner, const fakes::http::ExchangePtr& exchange, ApiContext& agent_context) {
    try {
      auto target = fakes::http::parse_target(exchange->request().target());
      if (!target) {
        exchange->respond(text_error(Status::bad_request, "invalid URL escape in request target"));
        return;
      }
      if (target->path.starts_with("/_fake/")) return handle_control(owner, exchange, *target);
      auto logged = request_log.record(exchange);
      const auto fault = faults.intercept(logged, target->path);
      if (fault.taken) return;
      if (fault.delay.count() > 0) {
        // Added latency: the normal answer, later. The connection may close meanwhile.
        auto timer = std::make_shared<boost::asio::steady_timer>(io, fault.delay);
        timer->async_wait([this, timer, logged, target = std::move(*target), &agent_context](auto) mutable {
          if (!stopped && logged->is_open()) route(logged, std::move(target), agent_context);
        });
        return;
      }
      route(logged, std::move(*target), agent_context);
    } catch (const std::exception& e) {
      // A bug must cost one request, not the fake.
      exchange->respond(text_error(Status::internal_server_error, std::string("internal error: ") + e.what()));
    }
  }

  void route(const fakes::http::ExchangePtr& exchange, fakes::http::Target target, ApiContext& agent_context) {
    try {
      // Another datacenter's catalog, health and KV answer as its servers would after the
      // agent forwarded the request: in this process, or in the --wan process serving it. An
      // unknown one falls through to the endpoint, which answers 500 No path to datacenter.
      ApiContext* context = &agent_context;
      const std::string dc = requested_datacenter(target, exchange->request().body());
      if (!dc.empty() && !iequals(dc, agent_context.config.datacenter) && follows_datacenter(target.path)) {
        if (DatacenterState* remote = find_datacenter(dc)) {
          context = &remote->server_context();
        } else if (const WanPeer* peer = find_peer(dc)) {
          return forward_to_peer(io, exchange, *peer);
        }
      }
      if (auto refusal = refuse_query_parameters(exchange->request(), target))
        return exchange->respond(text_error(Status::bad_request, *refusal));
      ApiCall call(exchange, std::move(target), *context);
      if (route_status(call) || route_agent(call) || route_catalog(call) || route_health(call) || route_kv(call) ||
          route_session(call) || route_event(call) || route_txn(call) || route_query(call) || route_acl(call) || route_ui(call))
        return;
      call.fail(Status::not_found, "404 page not found");
    } catch (const std::exception& e) {
      exchange->respond(text_error(Status::internal_server_error, std::string("internal error: ") + e.what()));
    }
  }

  /// Every agent's anti-entropy sync, the first agent's node and then the --agent ones.
  std::size_t sync_agents() {
    const AgentConfig& first = options.agent;
    std::size_t changes = catalog.anti_entropy_sync(first.datacenter, first.node_name, first.node_address);
    for (const auto& a : agents)
      changes += a->context->catalog.anti_entropy_sync(a->config.datacenter, a->config.node_name,
                                                        a->config.node_address);
    return changes;
  }

  void arm_anti_entropy_timer() {
    if (options.anti_entropy_interval.count() <= 0 || stopped) return;
    anti_entropy_timer.expires_after(options.anti_entropy_interval);
    anti_entropy_timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopped) return;
      sync_agents();
      arm_anti_entropy_timer();
    });
  }

  boost::asio::io_context& io;
  FakeConsulOptions options;
  SteadyClock steady_clock;
  const Clock* clock;
  std::vector<std::string> datacenter_names;  // in-process and --wan, for /v1/catalog/datacenters
  std::vector<std::unique_ptr<DatacenterState>> datacenters;  // the first agent's first
  DatacenterState& home;
  Catalog& catalog;  // home's
  ApiContext context;
  CatalogDirectory directory;
  FaultInjector faults;
  RequestLog request_log;
  std::unique_ptr<fakes::http::Server> http;
  std::unique_ptr<fakes::dns::DnsServer> dns;
  std::uint16_t http_port = 0;
  std::optional<std::uint16_t> https_port;
  boost::asio::steady_timer anti_entropy_timer;
  std::unique_ptr<CheckRunner> check_runner;  // with --run-checks
  bool stopped = false;
  // --agent: one per extra agent (config, endpoint context, listener, port).
  struct Agent {
    AgentConfig config;
    std::unique_ptr<ApiContext> context;
    std::unique_ptr<fakes::http::Server> http;
    std::uint16_t port = 0;
  };
  std::vector<std::unique_ptr<Agent>> agents;
};

FakeConsul::FakeConsul(boost::asio::io_context& io, FakeConsulOptions options)
    : impl_(std::make_unique<Impl>(io, std::move(options))) {
  Impl& m = *impl_;
  const AgentConfig& agent = m.options.agent;
  m.catalog.upsert_node(agent.datacenter, agent.node_name, agent.node_address);
  if (m.options.run_checks)
    m.check_runner = std::make_unique<CheckRunner>(io, m.catalog, agent.datacenter, agent.node_name, m.options.checks);
  m.home.set_after_change([&m] {
    if (m.check_runner && !m.stopped) m.check_runner->sync();
  });

  fakes::http::ServerOptions server_options;
  server_options.body_limit = m.options.body_limit;
  server_options.idle_timeout_seconds = m.options.request_timeout_seconds;
  server_options.make_error = [](Status status, std::string_view message) {
    // Consul reads bodies through its JSON decoder, so an oversized body is a decode failure.
    if (status == Status::payload_too_large)
      return text_error(Status::bad_request, "Request decode failed: http: request body too large");
    return text_error(status, std::string(message));
  };
  for (const auto& extra : m.options.agents) {
    auto a = std::make_unique<Impl::Agent>();
    DatacenterState& dc = m.add_datacenter(extra.datacenter.empty() ? agent.datacenter : extra.datacenter);
    a->config = agent;
    a->config.datacenter = dc.name();
    a->config.node_name = extra.node;
    a->config.node_address = extra.address;
    dc.catalog.upsert_node(dc.name(), extra.node, extra.address);
    a->context = std::make_unique<ApiContext>(ApiContext{dc.catalog, a->config, dc.blocking, dc.rendered, &m.datacenter_names, &m.directory});
    a->http = std::make_unique<fakes::http::Server>(
        io, [this, context = a->context.get()](const fakes::http::ExchangePtr& ex) { impl_->handle(*this, ex, *context); },
        server_options);
    a->port = in_netns(extra.netns, [&] { return a->http->listen_tcp(extra.address, extra.port); });
    m.agents.push_back(std::move(a));
  }
  m.http = std::make_unique<fakes::http::Server>(
      io, [this](const fakes::http::ExchangePtr& ex) { impl_->handle(*this, ex, impl_->context); },
      std::move(server_options));
  m.http_port = m.http->listen_tcp(m.options.http_address, m.options.http_port);
  if (m.options.http_unix_socket) m.http->listen_unix(*m.options.http_unix_socket);
  if (m.options.https_address) m.https_port = m.http->listen_tls(*m.options.https_address, m.options.https_port, m.options.tls);

  if (m.options.dns_address) {
    fakes::dns::DnsConfig dns_config = m.options.dns;
    dns_config.datacenter = agent.datacenter;
    m.dns = std::make_unique<fakes::dns::DnsServer>(io, m.directory, dns_config,
                                                   boost::asio::ip::make_address(*m.options.dns_address),
                                                   m.options.dns_port);
  }
  m.arm_anti_entropy_timer();
}

FakeConsul::~FakeConsul() { stop(); }

std::uint16_t FakeConsul::http_port() const { return impl_->http_port; }

std::optional<std::uint16_t> FakeConsul::https_port() const { return impl_->https_port; }

std::vector<std::uint16_t> FakeConsul::agent_ports() const {
  std::vector<std::uint16_t> out;
  for (const auto& a : impl_->agents) out.push_back(a->port);
  return out;
}

std::optional<std::uint16_t> FakeConsul::dns_port() const {
  if (!impl_->dns) return std::nullopt;
  return impl_->dns->port();
}

const FakeConsulOptions& FakeConsul::options() const { return impl_->options; }

Catalog& FakeConsul::catalog() { return impl_->catalog; }

void FakeConsul::stop() {
  Impl& m = *impl_;
  if (m.stopped) return;
  m.stopped = true;
  m.anti_entropy_timer.cancel();
  if (m.check_runner) m.check_runner->stop();
  m.faults.clear();
  for (auto& dc : m.datacenters) dc->stop();
  if (m.http) m.http->stop();
  for (auto& a : m.agents) a->http->stop();
  if (m.dns) m.dns->stop();
}

void FakeConsul::run_on_io(const std::function<void()>& f) {
  if (impl_->io.get_executor().running_in_this_thread() || impl_->io.stopped()) return f();
  std::promise<void> done;
  boost::asio::post(impl_->io, [&] {
    try {
      f();
      done.set_value();
    } catch (...) {
      done.set_exception(std::current_exception());
    }
  });
  done.get_future().get();
}

bool FakeConsul::set_check_status(const std::string& check_id, HealthStatus status, const std::string& output) {
  bool ok = false;
  run_on_io([&] {
    const AgentConfig& a = impl_->options.agent;
    ok = impl_->catalog.set_check_status(a.datacenter, a.node_name, check_id, status, output);
  });
  return ok;
}

std::size_t FakeConsul::deregister_all() {
  std::size_t n = 0;
  run_on_io([&] {
    const AgentConfig& a = impl_->options.agent;
    n = impl_->catalog.deregister_all_services(a.datacenter, a.node_name);
  });
  return n;
}

void FakeConsul::add_fault(FaultRule rule) { run_on_io([&] { impl_->faults.add(std::move(rule)); }); }

void FakeConsul::clear_faults() { run_on_io([&] { impl_->faults.clear(); }); }

std::vector<RequestRecord> FakeConsul::request_log() {
  std::vector<RequestRecord> out;
  run_on_io([&] { out = impl_->request_log.entries(); });
  return out;
}

void FakeConsul::clear_request_log() { run_on_io([&] { impl_->request_log.clear(); }); }

void FakeConsul::close_connections() {
  run_on_io([&] {
    if (impl_->http) impl_->http->close_connections();
  });
}

std::size_t FakeConsul::anti_entropy_sync() {
  std::size_t n = 0;
  run_on_io([&] { n = impl_->sync_agents(); });
  return n;
}

std::size_t FakeConsul::expire_ttl_checks() {
  std::size_t n = 0;
  run_on_io([&] {
    for (auto& dc : impl_->datacenters) n += dc->expire_now();
  });
  return n;
}

nlohmann::json FakeConsul::state() {
  nlohmann::json out;
  run_on_io([&] {
    const AgentConfig& a = impl_->options.agent;
    nlohmann::json services = nlohmann::json::object(), checks = nlohmann::json::object();
    if (const Node* node = impl_->catalog.find_node(a.datacenter, a.node_name)) {
      for (const auto& [id, s] : node->services) services[id] = agent_service_json(s, a.datacenter);
      for (const auto& [id, c] : node->checks) checks[id] = check_json(*node, c);
    }
    out = {{"Index", impl_->catalog.index()},
           {"Services", services},
           {"Checks", checks},
           {"KVEntries", impl_->catalog.kv().size()},
           {"ParkedQueries", impl_->home.blocking.parked_count()}};
  });
  return out;
}

}  // namespace fakes::consul
