#pragma once
// Starting a hijacked stream (exec start, attach) so every client gets all of it. dockerd writes
// its "101 UPGRADED" head and the process's output comes later; docker-py reads the head
// through a buffered reader and then the output from the socket itself, so output that arrives
// together with the head is lost to it. Here the output waits until the client has read the
// head: on a unix socket the kernel says when (Exchange::unread_by_peer); elsewhere a short
// pause stands for the engine's process start. Either wait is bounded.

#include "fakes/common/http/server.hpp"

#include <boost/asio/io_context.hpp>

#include <functional>
#include <string>

namespace fakes::docker {

/// Takes the connection over with `head`, then runs `then` (on the io thread) once the head is
/// read, the client is gone, or 2 s have passed.
void begin_hijacked(boost::asio::io_context& io, const fakes::http::ExchangePtr& ex, std::string head,
                    std::function<void()> then);

}  // namespace fakes::docker
