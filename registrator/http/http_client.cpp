#include "registrator/http/http_client.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <limits>
#include <variant>
#include <vector>

#include "registrator/http/connection.hpp"
#include "registrator/http/message.hpp"

namespace registrator::http {

using namespace detail;

std::string Endpoint::describe() const {
  if (kind == Kind::Unix) return "unix://" + path;
  return (tls ? "https://" : "") + host + ":" + port;
}
Endpoint Endpoint::unix_socket(std::string path) {
  Endpoint e;
  e.kind = Kind::Unix;
  e.path = std::move(path);
  return e;
}
Endpoint Endpoint::tcp(std::string host, std::string port) {
  Endpoint e;
  e.kind = Kind::Tcp;
  e.host = std::move(host);
  e.port = std::move(port);
  return e;
}
Endpoint Endpoint::tcp_tls(std::string host, std::string port, std::shared_ptr<TlsContext> tls) {
  Endpoint e = tcp(std::move(host), std::move(port));
  e.tls = std::move(tls);
  return e;
}

// One connection for requests and the bytes read from it that no answer has consumed yet.
struct Client::Kept {
  Connection socket;
  ReadBuffer buffer;

  void close() {
    socket.close();
    buffer.clear();
  }

  // One exchange; connects first when the connection is not open. `close`: ask the peer to
  // close after answering (one-shot use).
  std::variant<Response, Failure> exchange(const Endpoint& ep, const Request& r, std::chrono::milliseconds timeout,
                                           bool close_after = false) {
    const Deadline deadline = std::chrono::steady_clock::now() + timeout;
    SocketError error;
    if (!socket.is_open() && !socket.connect(ep, deadline, error))
      return fail(ep, error.stage, error.describe(), false);
    if (!socket.write_all(request_head(ep, r, close_after), r.body, deadline, error))
      // A stale idle connection fails at once (reset, EOF); a timeout means the peer is slow,
      // and repeating would only double the wait, silently.
      return fail(ep, "write", error.describe(), !error.timed_out);
    return read_answer(ep, r, deadline);
  }

  // Several requests written together, answers read in order. Stops at the first failure, which
  // it returns with its index; the answers before it are in `answers`.
  std::optional<std::pair<std::size_t, Failure>> pipeline(const Endpoint& ep, const std::vector<Request>& requests,
                                                          std::chrono::milliseconds timeout,
                                                          std::vector<PipelinedAnswer>& answers) {
    const Deadline deadline = std::chrono::steady_clock::now() + timeout;
    SocketError error;
    if (!socket.is_open() && !socket.connect(ep, deadline, error))
      return std::pair{std::size_t{0}, fail(ep, error.stage, error.describe(), false)};
    std::string bytes;
    for (const auto& r : requests) bytes.append(request_head(ep, r, false)).append(r.body);
    if (!socket.write_all(bytes, {}, deadline, error))
      return std::pair{std::size_t{0}, fail(ep, "write", error.describe(), !error.timed_out)};
    for (std::size_t i = 0; i < requests.size(); ++i) {
      // An answer with Connection: close leaves the later requests unanswered (read_answer()
      // closed the connection then).
      if (!socket.is_open()) return std::nullopt;
      auto outcome = read_answer(ep, requests[i], deadline);
      if (auto* failure = std::get_if<Failure>(&outcome)) return std::pair{i, std::move(*failure)};
      answers[i].response = std::get<Response>(std::move(outcome));
    }
    return std::nullopt;
  }

 private:
  Failure fail(const Endpoint& ep, const char* stage, const std::string& why, bool before_answer) {
    close();
    return Failure{ep.describe() + ": " + stage + ": " + why, before_answer, false};
  }

  // Reads the answer to `r` from the bytes buffered and the socket.
  std::variant<Response, Failure> read_answer(const Endpoint& ep, const Request& r, Deadline deadline) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(kMaxBody);
    if (r.method == "HEAD") parser.skip(true);  // no body follows, whatever the length says
    parser.eager(true);
    auto failure = buffer.read(socket, ep, parser, deadline, [](const auto& p) { return p.is_done(); }, [] {});
    if (failure) {
      close();
      return std::move(*failure);
    }
    if (!parser.keep_alive()) close();
    Response out;
    out.status = parser.get().result_int();
    out.body = std::move(parser.get().body());
    return out;
  }
};

// Ends streams from another thread: an eventfd every stream's waits watch, made readable for
// good by cancel_streams().
struct Client::Cancel {
  int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  std::atomic<bool> cancelled{false};
  Cancel() {
    if (fd < 0) throw std::system_error(errno, std::system_category(), "eventfd");
  }
  ~Cancel() { ::close(fd); }
  void fire() {
    cancelled = true;
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(fd, &one, sizeof one);
  }
};

Client::Client(Endpoint endpoint)
    : endpoint_(std::move(endpoint)), kept_(std::make_unique<Kept>()), cancel_(std::make_unique<Cancel>()) {}
Client::~Client() = default;

Response Client::send(const Request& request, std::chrono::milliseconds timeout) {
  std::lock_guard lock(mu_);
  const bool reused = kept_->socket.is_open();
  auto outcome = kept_->exchange(endpoint_, request, timeout);
  if (auto* failure = std::get_if<Failure>(&outcome); failure && reused && failure->before_answer) {
    // The peer closed the idle connection (keep-alive timeout, restart): not an answer.
    outcome = kept_->exchange(endpoint_, request, timeout);
  }
  if (auto* failure = std::get_if<Failure>(&outcome)) throw TransportError(failure->what);
  return std::get<Response>(std::move(outcome));
}

std::vector<PipelinedAnswer> Client::send_pipelined(const std::vector<Request>& requests,
                                                    std::chrono::milliseconds timeout) {
  std::vector<PipelinedAnswer> answers(requests.size());
  if (requests.empty()) return answers;
  std::lock_guard lock(mu_);
  const bool reused = kept_->socket.is_open();
  auto failed = kept_->pipeline(endpoint_, requests, timeout, answers);
  if (failed && failed->first == 0 && reused && failed->second.before_answer) {
    // As in send(): the peer had closed the idle connection; nothing was answered.
    failed = kept_->pipeline(endpoint_, requests, timeout, answers);
  }
  if (failed) answers[failed->first].error = failed->second.what;
  return answers;
}

Response send(const Endpoint& endpoint, const Request& request, std::chrono::milliseconds timeout) {
  Client::Kept once;
  auto outcome = once.exchange(endpoint, request, timeout, /*close_after=*/true);
  if (auto* failure = std::get_if<Failure>(&outcome)) throw TransportError(failure->what);
  return std::get<Response>(std::move(outcome));
}

void Client::cancel_streams() { cancel_->fire(); }

std::string Client::stream(const Request& request, const StreamCallbacks& callbacks,
                           std::chrono::milliseconds connect_timeout) {
  if (cancel_->cancelled) return "cancelled";
  const Endpoint& ep = endpoint_;
  auto ended = [&](const std::string& why) { return cancel_->cancelled ? std::string("cancelled") : why; };
  Connection connection;
  connection.watch_cancel(cancel_->fd);
  const Deadline deadline = std::chrono::steady_clock::now() + connect_timeout;
  SocketError error;
  if (!connection.connect(ep, deadline, error)) return ended(ep.describe() + ": " + error.stage + ": " + error.describe());
  if (!connection.write_all(request_head(ep, request, false), request.body, deadline, error))
    return ended(ep.describe() + ": write: " + error.describe());

  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  parser.eager(true);
  ReadBuffer buffer;
  if (auto failure = buffer.read(connection, ep, parser, deadline, [](const auto& p) { return p.is_header_done(); },
                                 [] {}))
    return ended(failure->what);
  const unsigned status = parser.get().result_int();
  const bool ok = status >= 200 && status < 300;
  std::string error_body;  // of a non-2xx answer, bounded
  // The body as it arrives: handed on, then dropped, so an endless stream holds no more than a
  // read's worth.
  auto hand_on = [&] {
    auto& body = parser.get().body();
    if (body.empty()) return;
    if (ok) {
      if (callbacks.on_data) callbacks.on_data(body);
    } else if (error_body.size() < 4096) {
      error_body.append(body, 0, 4096 - error_body.size());
    }
    body.clear();
  };
  if (ok && callbacks.on_open) callbacks.on_open();
  hand_on();
  if (!parser.is_done()) {
    // The body may take forever (an idle event stream): no deadline, only cancel_streams().
    if (auto failure = buffer.read(connection, ep, parser, Deadline::max(), [](const auto& p) { return p.is_done(); },
                                   hand_on))
      return ended(failure->what);
  }
  if (ok) return "end of stream";
  return ep.describe() + ": HTTP " + std::to_string(status) + (error_body.empty() ? "" : ": " + error_body);
}

// ---------------------------------------------------------------------------------------------

namespace {
bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}
std::string escape(std::string_view s, std::string_view keep) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (unreserved(c) || keep.find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}
}  // namespace

std::string escape_path_segment(std::string_view s) { return escape(s, "$&+,:;=@"); }
std::string escape_query(std::string_view s) { return escape(s, ""); }

}  // namespace registrator::http
