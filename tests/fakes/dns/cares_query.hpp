// Test helper: one synchronous c-ares query against 127.0.0.1:<port>, driven by
// ares_fds/select with a deadline. Returns the ares status and the raw answer.
#pragma once

#include <ares.h>
#include <arpa/inet.h>
#include <sys/select.h>

#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace fakes::dns::testing {

struct CaresReply {
  int status = ARES_ETIMEOUT;
  bool done = false;
  std::vector<unsigned char> answer;
};

class CaresLibrary {
 public:
  CaresLibrary() {
    if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS) throw std::runtime_error("ares_library_init");
  }
  ~CaresLibrary() { ares_library_cleanup(); }
};

/// `tcp` sets ARES_FLAG_USEVC. c-ares 1.18 sends no EDNS unless asked, so this is the
/// classic 512-byte client.
inline CaresReply cares_query(std::uint16_t port, const std::string& name, int type, bool tcp = false,
                              std::chrono::milliseconds deadline_after = std::chrono::seconds(10)) {
  ares_options opts{};
  opts.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOCHECKRESP | (tcp ? ARES_FLAG_USEVC : 0);
  opts.timeout = 2000;  // ms, with ARES_OPT_TIMEOUTMS
  opts.tries = 2;
  ares_channel channel = nullptr;
  if (ares_init_options(&channel, &opts, ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES) != ARES_SUCCESS) {
    throw std::runtime_error("ares_init_options");
  }
  ares_addr_port_node server{};
  server.family = AF_INET;
  inet_pton(AF_INET, "127.0.0.1", &server.addr.addr4);
  server.udp_port = port;
  server.tcp_port = port;
  if (ares_set_servers_ports(channel, &server) != ARES_SUCCESS) {
    ares_destroy(channel);
    throw std::runtime_error("ares_set_servers_ports");
  }

  CaresReply reply;
  ares_query(
      channel, name.c_str(), 1 /* class IN */, type,
      [](void* arg, int status, int, unsigned char* abuf, int alen) {
        auto* r = static_cast<CaresReply*>(arg);
        r->status = status;
        r->done = true;
        if (abuf && alen > 0) r->answer.assign(abuf, abuf + alen);
      },
      &reply);

  const auto deadline = std::chrono::steady_clock::now() + deadline_after;
  while (!reply.done && std::chrono::steady_clock::now() < deadline) {
    fd_set readers, writers;
    FD_ZERO(&readers);
    FD_ZERO(&writers);
    const int nfds = ares_fds(channel, &readers, &writers);
    if (nfds == 0) break;
    timeval tv{};
    timeval max{0, 100000};
    ares_timeout(channel, &max, &tv);
    select(nfds, &readers, &writers, nullptr, &tv);
    ares_process(channel, &readers, &writers);
  }
  ares_destroy(channel);  // completes a still-pending query with ARES_EDESTRUCTION
  return reply;
}

}  // namespace fakes::dns::testing
