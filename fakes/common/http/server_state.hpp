#pragma once
// What the listeners and their sessions share: the handler, the options, and the connections
// (weakly, for close_connections and connection_count). Internal to the HTTP server.

#include "fakes/common/http/connection.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl/context.hpp>

#include <algorithm>
#include <list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace fakes::http {

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(boost::asio::io_context& io_, Handler handler_, ServerOptions options_)
      : io(io_), handler(std::move(handler_)), options(std::move(options_)) {
    if (!options.make_error) options.make_error = detail::default_error;
  }

  void track(const std::shared_ptr<detail::Connection>& c) {
    // Prune once the list has doubled since the last prune: O(1) amortized per accept, not O(n).
    if (connections.size() >= prune_at) {
      connections.remove_if([](const std::weak_ptr<detail::Connection>& w) { return w.expired(); });
      prune_at = std::max<std::size_t>(64, 2 * connections.size());
    }
    connections.push_back(c);
  }
  std::size_t prune_at = 64;

  boost::asio::io_context& io;
  Handler handler;
  ServerOptions options;
  std::vector<std::shared_ptr<boost::asio::ip::tcp::acceptor>> tcp_acceptors;
  std::vector<std::shared_ptr<boost::asio::ssl::context>> tls_contexts;  // live as long as their listeners
  std::vector<std::pair<std::shared_ptr<boost::asio::local::stream_protocol::acceptor>, std::string>> unix_acceptors;
  std::list<std::weak_ptr<detail::Connection>> connections;
  bool stopped = false;
};

}  // namespace fakes::http
