#pragma once
// HTTP/1.1 framing shared by the client's calls (http_client.cpp: send, send_pipelined, one-shot
// send; event_stream.cpp: stream): the request head written by hand, answers parsed by Beast's
// response parser fed from a buffer the connection fills. Only the parser of Beast is used, none
// of its I/O. Private to registrator_core.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "registrator/http/connection.hpp"
#include "registrator/http/http_client.hpp"

namespace registrator::http::detail {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

constexpr std::size_t kMaxBody = 64 * 1024 * 1024;

/// The request head. HTTP/1.1 keeps the connection by default, so a kept request has no
/// Connection field; `close` asks the peer to close after answering (the one-shot send).
inline std::string request_head(const Endpoint& ep, const Request& r, bool close) {
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
  if (close) out.append("Connection: close\r\n");
  if (!r.body.empty() || r.method == "PUT" || r.method == "POST")
    out.append("Content-Length: ").append(std::to_string(r.body.size())).append("\r\n");
  out.append("\r\n");
  return out;
}

inline std::string describe_error(const beast::error_code& ec) {
  if (ec == bhttp::error::end_of_stream) return "connection closed by peer";
  return ec.message();
}

/// Why reading or writing an exchange failed, and whether the request can be repeated on a
/// fresh connection.
struct Failure {
  std::string what;             ///< "<peer>: <stage>: <why>"
  bool before_answer = false;   ///< nothing of the response had arrived
  bool cancelled = false;
};

/// Bytes read from one connection that no parser has consumed yet: kept across the answers of
/// a kept (or pipelined) connection.
class ReadBuffer {
 public:
  void clear() { begin_ = end_ = 0; }

  /// Feeds `parser` from the buffered bytes, then from `c`, until `done(parser)` holds or the
  /// peer ends the stream (then the parser is told, and decides whether the message was whole).
  /// `on_progress` runs after every piece the parser took (the event stream hands the body on).
  template <class Parser, class Done, class Progress>
  std::optional<Failure> read(Connection& c, const Endpoint& ep, Parser& parser, Deadline deadline, Done done,
                              Progress on_progress) {
    SocketError error;
    bool got_bytes = false;
    for (;;) {
      while (begin_ < end_ && !done(parser)) {
        beast::error_code ec;
        const std::size_t used = parser.put(boost::asio::buffer(buffer_.data() + begin_, end_ - begin_), ec);
        begin_ += used;
        if (used > 0) on_progress();
        if (ec == bhttp::error::need_more) break;
        if (ec) return fail(ep, describe_error(ec), false);
        if (used == 0) break;
      }
      if (done(parser)) return std::nullopt;
      if (begin_ == end_) begin_ = end_ = 0;
      if (begin_ > 0 && end_ == buffer_.size()) {  // keep the unparsed tail, make room after it
        std::copy(buffer_.begin() + static_cast<long>(begin_), buffer_.begin() + static_cast<long>(end_),
                  buffer_.begin());
        end_ -= begin_;
        begin_ = 0;
      }
      if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);  // one header larger than the buffer
      const long n = c.read_some(buffer_.data() + end_, buffer_.size() - end_, deadline, error);
      if (n < 0) {
        auto f = fail(ep, error.describe(), !got_bytes && !error.timed_out && !error.cancelled);
        f->cancelled = error.cancelled;
        return f;
      }
      if (n == 0) {
        if (!got_bytes && !parser.got_some()) return fail(ep, describe_error(bhttp::error::end_of_stream), true);
        beast::error_code ec;
        parser.put_eof(ec);
        on_progress();
        if (ec) return fail(ep, describe_error(ec), false);
        return std::nullopt;
      }
      got_bytes = true;
      end_ += static_cast<std::size_t>(n);
    }
  }

 private:
  static std::optional<Failure> fail(const Endpoint& ep, const std::string& why, bool before_answer) {
    return Failure{ep.describe() + ": read: " + why, before_answer, false};
  }

  std::vector<char> buffer_ = std::vector<char>(64 * 1024);
  std::size_t begin_ = 0, end_ = 0;
};

}  // namespace registrator::http::detail
