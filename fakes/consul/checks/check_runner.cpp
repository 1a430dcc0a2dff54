#include "fakes/consul/checks/check_runner.hpp"
#include "fakes/consul/checks/host_port.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <tuple>

#include "fakes/common/url.hpp"
#include "fakes/consul/checks/grpc_probe.hpp"
#include "fakes/consul/checks/script_check.hpp"

namespace fakes::consul {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

bool IpNetwork::contains(const net::ip::address& a) const {
  if (a.is_v4() != base.is_v4()) return false;
  auto bytes_of = [](const net::ip::address& x) {
    std::vector<unsigned char> out;
    if (x.is_v4()) {
      auto b = x.to_v4().to_bytes();
      out.assign(b.begin(), b.end());
    } else {
      auto b = x.to_v6().to_bytes();
      out.assign(b.begin(), b.end());
    }
    return out;
  };
  const auto x = bytes_of(a), y = bytes_of(base);
  for (unsigned bit = 0; bit < prefix; ++bit) {
    const unsigned mask = 0x80u >> (bit % 8);
    if ((x[bit / 8] & mask) != (y[bit / 8] & mask)) return false;
  }
  return true;
}

std::optional<IpNetwork> IpNetwork::parse(const std::string& text) {
  const auto slash = text.find('/');
  boost::system::error_code ec;
  auto base = net::ip::make_address(text.substr(0, slash), ec);
  if (ec) return std::nullopt;
  const unsigned max = base.is_v4() ? 32 : 128;
  unsigned prefix = max;
  if (slash != std::string::npos) {
    try {
      std::size_t used = 0;
      const int p = std::stoi(text.substr(slash + 1), &used);
      if (used != text.size() - slash - 1 || p < 0 || static_cast<unsigned>(p) > max) return std::nullopt;
      prefix = static_cast<unsigned>(p);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return IpNetwork{base, prefix};
}

HealthStatus status_for_http_code(unsigned code) {
  if (code >= 200 && code < 300) return HealthStatus::passing;
  if (code == 429) return HealthStatus::warning;
  return HealthStatus::critical;
}

namespace {

struct Target {
  std::string host, port, path;  // path only for HTTP
  bool tls = false;               // https://
};

// "http://10.0.0.5:8080/health" / "https://..." -> host, port, path; "10.0.0.5:8080" for TCP.
std::optional<Target> parse_target(const std::string& type, std::string text) {
  Target t;
  if (type == "http") {
    if (text.starts_with("https://")) {
      t.tls = true;
      text = text.substr(8);
    } else if (text.starts_with("http://")) {
      text = text.substr(7);
    } else {
      return std::nullopt;
    }
    const auto slash = text.find('/');
    t.path = slash == std::string::npos ? "/" : text.substr(slash);
    text = text.substr(0, slash);
  }
  auto host_port = split_host_port(text, type == "http" ? (t.tls ? "443" : "80") : "");
  if (!host_port) return std::nullopt;
  std::tie(t.host, t.port) = std::move(*host_port);
  return t;
}

}  // namespace

// One check's probe loop: probe, set the status, wait Interval, again, until cancelled.
struct CheckRunner::Probe : std::enable_shared_from_this<CheckRunner::Probe> {
  using TlsStream = beast::ssl_stream<beast::tcp_stream>;

  Probe(net::io_context& io, CheckRunner& owner, const Check& check)
      : io(io), owner(owner), check_id(check.id), type(check.type), target_text(check.target), args(check.args),
        method(check.http_method.empty() ? "GET" : check.http_method), headers(check.http_headers), body(check.http_body),
        tls_server_name(check.tls_server_name), tls_skip_verify(check.tls_skip_verify), grpc_use_tls(check.grpc_use_tls),
        interval(check.interval),
        timeout(check.timeout), timer(io) {}

  void start() { run_once(); }
  void cancel() {
    cancelled = true;
    timer.cancel();
    if (tls) tls->next_layer().cancel();
    if (stream) stream->cancel();
    if (script) script->cancel();
    if (grpc) grpc->cancel();
  }

  // The address of a check's target when fake-consul may probe it; else the check is finished
  // critical saying why, and nullopt.
  std::optional<tcp::endpoint> allowed_endpoint(const std::string& host, const std::string& port_text) {
    boost::system::error_code ec;
    const auto address = net::ip::make_address(host, ec);
    if (ec) {
      finish(HealthStatus::critical, "fake-consul probes IP addresses only, not " + host);
      return std::nullopt;
    }
    bool allowed = false;
    for (const auto& n : owner.options_.allowed) allowed = allowed || n.contains(address);
    if (!allowed) {
      finish(HealthStatus::critical, "fake-consul does not probe " + host + ": outside --check-allow (nothing was sent)");
      return std::nullopt;
    }
    unsigned long port = 0;
    try {
      std::size_t used = 0;
      port = std::stoul(port_text, &used);
      if (used != port_text.size() || port > 65535) throw std::out_of_range(port_text);
    } catch (const std::exception&) {
      finish(HealthStatus::critical, "bad port in " + target_text);
      return std::nullopt;
    }
    return tcp::endpoint(address, static_cast<unsigned short>(port));
  }

  std::chrono::milliseconds probe_timeout() const {
    return timeout.count() > 0 ? timeout : owner.options_.default_timeout;
  }

  // Consul's CheckGRPC: grpc.health.v1.Health/Check on host:port[/service].
  void run_grpc() {
    const auto target = GrpcTarget::parse(target_text);
    if (!target) return finish(HealthStatus::critical, "fake-consul cannot probe " + target_text);
    const auto endpoint = allowed_endpoint(target->host, target->port);
    if (!endpoint) return;
    GrpcProbeSettings settings{target_text, *target, *endpoint, grpc_use_tls, tls_server_name, tls_skip_verify,
                               probe_timeout()};
    grpc = run_grpc_check(io, owner.tls_context_, std::move(settings),
                          [self = shared_from_this()](HealthStatus status, std::string output) {
                            self->grpc.reset();
                            self->finish(status, output);
                          });
  }

  void run_once() {
    if (cancelled) return;
    if (type == "script") {
      const auto limit = timeout.count() > 0 ? timeout : owner.options_.script_default_timeout;
      script = run_script_check(io, args, limit, [self = shared_from_this()](HealthStatus status, std::string output) {
        self->finish(status, output);
      });
      return;
    }
    if (type == "grpc") return run_grpc();
    const auto target = parse_target(type, target_text);
    if (!target) return finish(HealthStatus::critical, "fake-consul cannot probe " + target_text);
    const auto endpoint_or_none = allowed_endpoint(target->host, target->port);
    if (!endpoint_or_none) return;
    // The deadline covers connect, handshake, request and answer: Consul's Timeout bounds the
    // whole probe.
    const auto limit = probe_timeout();
    beast::tcp_stream* transport = nullptr;
    if (target->tls) {
      tls = std::make_unique<TlsStream>(io, owner.tls_context_);
      transport = &tls->next_layer();
    } else {
      stream = std::make_unique<beast::tcp_stream>(io);
      transport = stream.get();
    }
    transport->expires_after(limit);
    const tcp::endpoint endpoint = *endpoint_or_none;
    auto self = shared_from_this();
    transport->async_connect(endpoint, [self, target = *target](beast::error_code e) {
      if (self->cancelled) return;
      if (e) {
        const std::string verb =
            self->type == "http" ? self->go_verb() + " \"" + self->target_text + "\"" : "dial tcp " + self->target_text;
        return self->finish(HealthStatus::critical, verb + ": " + e.message());
      }
      if (self->type == "tcp") return self->finish(HealthStatus::passing, "TCP connect " + self->target_text + ": Success");
      if (!target.tls) return self->http_exchange(*self->stream, target);
      self->tls_handshake(target);
    });
  }

  void tls_handshake(const Target& target) {
    prepare_check_connection(tls->native_handle(), target.host, tls_server_name, tls_skip_verify);
    auto self = shared_from_this();
    tls->async_handshake(net::ssl::stream_base::client, [self, target](beast::error_code e) {
      if (self->cancelled) return;
      if (e)
        return self->finish(HealthStatus::critical, self->go_verb() + " \"" + self->target_text +
                                                        "\": " + describe_handshake_error(self->tls->native_handle(), e));
      self->http_exchange(*self->tls, target);
    });
  }

  // Consul's CheckHTTP: Method (default GET), Header (Host sets the request's host), Body; the
  // User-Agent and Accept it sends unless Header overrides them.
  template <class Stream>
  void http_exchange(Stream& s, const Target& target) {
    auto req = std::make_shared<bhttp::request<bhttp::string_body>>();
    req->method_string(method);
    req->target(target.path);
    req->version(11);
    req->set(bhttp::field::host, target.host + ":" + target.port);
    req->set(bhttp::field::user_agent, "Consul Health Check");
    req->set(bhttp::field::accept, "text/plain, text/*, */*");
    for (const auto& [name, values] : headers) {
      req->erase(name);
      for (const auto& value : values) req->insert(name, value);
    }
    req->body() = body;
    req->keep_alive(false);
    req->prepare_payload();
    auto self = shared_from_this();
    bhttp::async_write(s, *req, [self, req, &s](beast::error_code e, std::size_t) {
      if (self->cancelled) return;
      if (e) return self->finish(HealthStatus::critical, self->go_verb() + " \"" + self->target_text + "\": " + e.message());
      auto buffer = std::make_shared<beast::flat_buffer>();
      auto parser = std::make_shared<bhttp::response_parser<bhttp::string_body>>();
      parser->body_limit(4096 + 1024 * 1024);
      bhttp::async_read(s, *buffer, *parser, [self, buffer, parser](beast::error_code e2, std::size_t) {
        if (self->cancelled) return;
        if (e2 && e2 != bhttp::error::body_limit)
          return self->finish(HealthStatus::critical, self->go_verb() + " \"" + self->target_text + "\": " + e2.message());
        const auto& res = parser->get();
        std::string body = res.body().substr(0, 4096);  // Consul keeps the first 4 KiB of output
        self->finish(status_for_http_code(res.result_int()),
                     "HTTP " + self->method + " " + self->target_text + ": " + std::to_string(res.result_int()) + " " +
                         std::string(res.reason()) + " Output: " + body);
      });
    });
  }

  /// How Go's http.Client names the request in errors: `Get "url"`, `Post "url"`.
  std::string go_verb() const {
    std::string v = method;
    for (std::size_t i = 1; i < v.size(); ++i) v[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(v[i])));
    return v;
  }

  void close_connection() {
    beast::error_code ignored;
    if (stream) {
      stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream->close();
      stream.reset();
    }
    if (tls) {
      // No close_notify exchange: the probe is over, and waiting for the peer would hold the
      // connection open past the check's Timeout.
      tls->next_layer().socket().shutdown(tcp::socket::shutdown_both, ignored);
      tls->next_layer().close();
      tls.reset();
    }
  }

  void finish(HealthStatus status, const std::string& output) {
    close_connection();
    if (cancelled) return;
    owner.catalog_.set_check_status(owner.datacenter_, owner.node_, check_id, status, output);
    timer.expires_after(interval);
    timer.async_wait([self = shared_from_this()](beast::error_code e) {
      if (!e) self->run_once();
    });
  }

  /// Whether this loop probes `c` as it is registered now (else it is restarted).
  bool probes(const Check& c) const {
    return c.target == target_text && c.interval == interval && c.timeout == timeout && c.type == type &&
           c.http_headers == headers && c.http_body == body && (c.http_method.empty() ? "GET" : c.http_method) == method &&
           c.tls_server_name == tls_server_name && c.tls_skip_verify == tls_skip_verify && c.args == args &&
           c.grpc_use_tls == grpc_use_tls;
  }

  net::io_context& io;
  CheckRunner& owner;
  std::string check_id, type, target_text;
  std::vector<std::string> args;
  std::string method;
  std::map<std::string, std::vector<std::string>> headers;
  std::string body;
  std::string tls_server_name;
  bool tls_skip_verify = false;
  bool grpc_use_tls = false;
  std::chrono::milliseconds interval, timeout;
  std::shared_ptr<ScriptRun> script;  // the running script check, if any
  std::shared_ptr<GrpcRun> grpc;      // the running gRPC call, if any
  net::steady_timer timer;
  std::unique_ptr<beast::tcp_stream> stream;  // http:// and TCP probes
  std::unique_ptr<TlsStream> tls;             // https:// probes
  bool cancelled = false;
};

CheckRunner::CheckRunner(net::io_context& io, Catalog& catalog, std::string datacenter, std::string node,
                         CheckRunnerOptions options)
    : io_(io),
      catalog_(catalog),
      datacenter_(std::move(datacenter)),
      node_(std::move(node)),
      options_(std::move(options)),
      tls_context_(make_check_tls_context(options_.tls)) {}

CheckRunner::~CheckRunner() { stop(); }

void CheckRunner::stop() {
  for (auto& [id, probe] : probes_) probe->cancel();
  probes_.clear();
}

void CheckRunner::sync() {
  const Node* node = catalog_.find_node(datacenter_, node_);
  std::map<std::string, const Check*> wanted;
  if (node)
    for (const auto& [id, c] : node->checks)
      if ((c.type == "http" || c.type == "tcp" || c.type == "grpc" || (c.type == "script" && options_.run_scripts)) &&
          c.interval.count() > 0)
        wanted[id] = &c;
  for (auto it = probes_.begin(); it != probes_.end();) {
    auto w = wanted.find(it->first);
    const bool same = w != wanted.end() && it->second->probes(*w->second);
    if (same) {
      ++it;
      continue;
    }
    it->second->cancel();
    it = probes_.erase(it);
  }
  for (const auto& [id, c] : wanted) {
    if (probes_.count(id)) continue;
    auto probe = std::make_shared<Probe>(io_, *this, *c);
    probes_[id] = probe;
    // First run after the registration has been answered, as the agent schedules it.
    net::post(io_, [probe] { probe->start(); });
  }
}

}  // namespace fakes::consul
