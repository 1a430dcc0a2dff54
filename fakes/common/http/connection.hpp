#pragma once
// What an exchange needs from the connection that carries it, and the send-batch entry that
// lets a SendBatch write on a connection's behalf. Internal to the HTTP server.

#include "fakes/common/http/server.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace fakes::http::detail {

class Connection {
 public:
  virtual ~Connection() = default;
  virtual void write(std::string bytes) = 0;
  /// As write(), for bytes other connections send too (kept alive until written).
  virtual void write_shared(std::shared_ptr<const std::string> bytes) = 0;
  /// The exchange's last bytes are queued; go on reading (keep-alive) or close once written.
  virtual void exchange_done(bool keep_alive) = 0;
  virtual bool open() const = 0;
  /// The exchange took the connection over (Exchange::begin_raw): what the client sends from
  /// now on is not a request, and the end of its half of the connection is not a hang-up.
  virtual void hijack() = 0;
  /// Exchange::unread_by_peer.
  virtual std::optional<std::size_t> unread_by_peer() = 0;
  virtual void close() = 0;
  virtual std::string_view transport() const = 0;
  /// The active SendBatch wrote `sent` bytes of the queued answer; `failed`: the socket is broken.
  virtual void batched_send_done(std::size_t sent, bool failed) = 0;
};

/// Status line, fields and (unless `with_body` is false, for HEAD) the body, as sent.
std::string serialize(const Response& res, bool with_body);

/// The server's own error answer when ServerOptions::make_error is not set: plain text.
Response default_error(Status status, std::string_view message);

}  // namespace fakes::http::detail
