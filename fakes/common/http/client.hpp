#pragma once
// A blocking HTTP/1.1 client for the harness (regsim, tests): one request per connection over
// TCP or a unix socket, with a deadline. Not for the registrator itself, which has its own
// client with retries and streaming.

#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fakes::http {

/// Where to connect: "unix:///run/docker.sock", "tcp://127.0.0.1:2375", "http://127.0.0.1:8500".
struct Endpoint {
  enum class Kind { tcp, unix_socket } kind = Kind::tcp;
  std::string host;  // tcp only
  std::uint16_t port = 0;
  std::string path;  // unix only

  static std::optional<Endpoint> parse(std::string_view uri);
  static Endpoint tcp(std::string host, std::uint16_t port) { return {Kind::tcp, std::move(host), port, {}}; }
  static Endpoint unix_path(std::string path) { return {Kind::unix_socket, {}, 0, std::move(path)}; }
  std::string to_string() const;
};

struct ClientResponse {
  unsigned status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string{} : it->second;
  }
};

class ClientError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

/// Sends one request and reads the whole response; throws ClientError naming the endpoint
/// on connection failure, timeout or a malformed answer.
ClientResponse fetch(const Endpoint& endpoint, boost::beast::http::verb method, const std::string& target,
                     const std::string& body = {}, const HeaderList& headers = {},
                     std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace fakes::http
