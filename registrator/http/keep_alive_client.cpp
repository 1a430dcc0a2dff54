#include "registrator/http/keep_alive_client.hpp"

#include <variant>
#include <vector>

#include "registrator/http/blocking_socket.hpp"
#include "registrator/http/http_detail.hpp"

namespace registrator::http {

using namespace detail;

namespace {

// Why one exchange failed, and whether the request can be repeated on a fresh connection.
struct Failure {
  std::string what;
  bool before_answer = false;  // nothing of the response had arrived
};

// The request head as Beast would write it for make_request(ep, r, keep_alive = true): HTTP/1.1
// keeps the connection by default, so no Connection field.
std::string request_head(const Endpoint& ep, const Request& r) {
  std::string out;
  out.reserve(160 + r.target.size());
  out.append(r.method).append(" ").append(r.target).append(" HTTP/1.1\r\nHost: ");
  if (ep.kind == Endpoint::Kind::Unix) {
    out.append("localhost");
  } else {
    out.append(ep.host).append(":").append(ep.port);
  }
  out.append("\r\nUser-Agent: registrator-cpp\r\n");
  for (const auto& [k, v] : r.headers) out.append(k).append(": ").append(v).append("\r\n");
  if (!r.content_type.empty()) out.append("Content-Type: ").append(r.content_type).append("\r\n");
  if (!r.body.empty() || r.method == "PUT" || r.method == "POST")
    out.append("Content-Length: ").append(std::to_string(r.body.size())).append("\r\n");
  out.append("\r\n");
  return out;
}

}  // namespace

// One kept connection and the bytes read from it that no response has consumed yet.
struct KeepAliveClient::Connection {
  BlockingSocket socket;
  std::vector<char> buffer = std::vector<char>(64 * 1024);
  std::size_t begin = 0, end = 0;

  void close() {
    socket.close();
    begin = end = 0;
  }

  // One exchange; connects first when the connection is not open.
  std::variant<Response, Failure> exchange(const Endpoint& ep, const Request& r, std::chrono::milliseconds timeout) {
    const Deadline deadline = std::chrono::steady_clock::now() + timeout;
    SocketError error;
    if (!socket.is_open() && !socket.connect(ep, deadline, error)) return fail(ep, "connect", error.describe(), false);
    if (!socket.write_all(request_head(ep, r), r.body, deadline, error))
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
      return std::pair{std::size_t{0}, fail(ep, "connect", error.describe(), false)};
    std::string bytes;
    for (const auto& r : requests) bytes.append(request_head(ep, r)).append(r.body);
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
    return Failure{ep.describe() + ": " + stage + ": " + why, before_answer};
  }

  // Reads the answer to `r` from the bytes buffered and the socket.
  std::variant<Response, Failure> read_answer(const Endpoint& ep, const Request& r, Deadline deadline) {
    SocketError error;
    bhttp::response_parser<bhttp::string_body> parser;
    prepare_parser(parser, r);
    parser.eager(true);
    bool got_bytes = false;
    for (;;) {
      while (begin < end) {
        beast::error_code ec;
        const std::size_t used = parser.put(net::buffer(buffer.data() + begin, end - begin), ec);
        begin += used;
        if (ec == bhttp::error::need_more) break;
        if (ec) return fail(ep, "read", describe_error(ec), false);
        if (parser.is_done()) break;
        if (used == 0) break;
      }
      if (parser.is_done()) break;
      if (begin == end) begin = end = 0;
      if (begin > 0 && end == buffer.size()) {  // keep the unparsed tail, make room after it
        std::copy(buffer.begin() + static_cast<long>(begin), buffer.begin() + static_cast<long>(end), buffer.begin());
        end -= begin;
        begin = 0;
      }
      if (end == buffer.size()) buffer.resize(buffer.size() * 2);  // one header larger than the buffer
      const long n = socket.read_some(buffer.data() + end, buffer.size() - end, deadline, error);
      if (n < 0) return fail(ep, "read", error.describe(), !got_bytes && !error.timed_out);
      if (n == 0) {
        if (!got_bytes && !parser.got_some()) return fail(ep, "read", describe_error(bhttp::error::end_of_stream), true);
        beast::error_code ec;
        parser.put_eof(ec);
        if (ec) return fail(ep, "read", describe_error(ec), false);
        break;
      }
      got_bytes = true;
      end += static_cast<std::size_t>(n);
    }
    if (!parser.keep_alive()) close();
    return take_response(parser);
  }
};

KeepAliveClient::KeepAliveClient(Endpoint endpoint) : endpoint_(std::move(endpoint)) {}
KeepAliveClient::~KeepAliveClient() = default;

Response KeepAliveClient::send(const Request& request, std::chrono::milliseconds timeout) {
  if (endpoint_.tls) return http::send(endpoint_, request, timeout);
  std::lock_guard lock(mu_);
  if (!connection_) connection_ = std::make_unique<Connection>();
  const bool reused = connection_->socket.is_open();
  auto outcome = connection_->exchange(endpoint_, request, timeout);
  if (auto* failure = std::get_if<Failure>(&outcome); failure && reused && failure->before_answer) {
    // The peer closed the idle connection (keep-alive timeout, restart): not an answer.
    outcome = connection_->exchange(endpoint_, request, timeout);
  }
  if (auto* failure = std::get_if<Failure>(&outcome)) throw TransportError(failure->what);
  return std::get<Response>(std::move(outcome));
}

std::vector<PipelinedAnswer> KeepAliveClient::send_pipelined(const std::vector<Request>& requests,
                                                             std::chrono::milliseconds timeout) {
  std::vector<PipelinedAnswer> answers(requests.size());
  if (endpoint_.tls || requests.empty()) return answers;
  std::lock_guard lock(mu_);
  if (!connection_) connection_ = std::make_unique<Connection>();
  const bool reused = connection_->socket.is_open();
  auto failed = connection_->pipeline(endpoint_, requests, timeout, answers);
  if (failed && failed->first == 0 && reused && failed->second.before_answer) {
    // As in send(): the peer had closed the idle connection; nothing was answered.
    failed = connection_->pipeline(endpoint_, requests, timeout, answers);
  }
  if (failed) answers[failed->first].error = failed->second.what;
  return answers;
}

}  // namespace registrator::http
