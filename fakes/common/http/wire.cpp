// Responses as bytes: the serializer every answer goes through, and the helpers the header
// declares for building and pre-serializing answers.
#include "fakes/common/http/connection.hpp"

#include <string>

namespace fakes::http {

Response make_response(Status status, std::string body, std::string_view content_type, unsigned version) {
  Response res{status, version};
  if (!content_type.empty()) res.set(bhttp::field::content_type, content_type);
  res.body() = std::move(body);
  return res;
}

std::string wire_response(Response response) {
  response.version(11);
  response.keep_alive(true);
  if (!response.has_content_length() && !response.chunked()) response.prepare_payload();
  return detail::serialize(response, true);
}

namespace detail {

// Status line and fields as Beast prints them, then the body: one buffer sized once (a
// stringstream and a growing string cost more than the answer for a small document).
std::string serialize(const Response& res, bool with_body) {
  const auto& body = res.body();
  std::string bytes;
  bytes.reserve(256 + (with_body ? body.size() : 0));
  bytes.append("HTTP/").append(1, static_cast<char>('0' + res.version() / 10)).append(1, '.');
  bytes.append(1, static_cast<char>('0' + res.version() % 10)).append(1, ' ');
  bytes.append(std::to_string(res.result_int())).append(1, ' ').append(res.reason()).append("\r\n");
  for (const auto& field : res.base())
    bytes.append(field.name_string()).append(": ").append(field.value()).append("\r\n");
  bytes.append("\r\n");
  if (with_body) bytes += body;  // one copy of a body that may be megabytes
  return bytes;
}

Response default_error(Status status, std::string_view message) {
  return make_response(status, std::string(message) + "\n", "text/plain; charset=utf-8");
}

}  // namespace detail
}  // namespace fakes::http
