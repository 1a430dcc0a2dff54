#pragma once
// Forwarding a ?dc= request to a datacenter served by another fake-consul process (--wan
// DC=IP:PORT), as a Consul server forwards it over the WAN: the request goes to that
// process's HTTP listener unchanged (blocking queries included) and its answer comes back
// as it is. Asynchronous on the io thread; the upstream connection is dropped when the
// client goes away.

#include "fakes/common/http/server.hpp"

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <string>

namespace fakes::consul {

/// A datacenter in another process: its name and the HTTP listener answering for it.
struct WanPeer {
  std::string datacenter;
  std::string address;  // loopback, or inside a --check-allow network
  std::uint16_t port = 0;
};

/// Relays the exchange's request to `peer` and answers the exchange with the peer's response;
/// 500 `rpc error: datacenter DC at ADDR:PORT: <why>` when the peer cannot be reached.
void forward_to_peer(boost::asio::io_context& io, const fakes::http::ExchangePtr& exchange, const WanPeer& peer);

}  // namespace fakes::consul
