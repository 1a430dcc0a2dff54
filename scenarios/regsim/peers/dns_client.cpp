#include "scenarios/regsim/peers/dns_client.hpp"

#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <poll.h>

#include <algorithm>
#include <vector>

namespace regsim {
namespace {

// c-ares wants one process-wide init before any channel exists.
void ensure_library() {
  static const int status = ares_library_init(ARES_LIB_INIT_ALL);
  (void)status;
}

struct PendingQuery {
  DnsType type = DnsType::A;
  bool done = false;
  DnsReply reply;
};

void parse_answer(PendingQuery& q, const unsigned char* abuf, int alen) {
  if (q.type == DnsType::A) {
    std::vector<ares_addrttl> ttls(64);
    int count = static_cast<int>(ttls.size());
    const int status = ares_parse_a_reply(abuf, alen, nullptr, ttls.data(), &count);
    if (status == ARES_ENODATA) {
      q.reply.status = DnsReply::Status::nodata;
      return;
    }
    if (status != ARES_SUCCESS) {
      q.reply.status = DnsReply::Status::failed;
      q.reply.error = std::string("malformed A answer: ") + ares_strerror(status);
      return;
    }
    for (int i = 0; i < count; ++i) {
      char text[INET_ADDRSTRLEN] = {};
      inet_ntop(AF_INET, &ttls[static_cast<std::size_t>(i)].ipaddr, text, sizeof text);
      q.reply.addresses.push_back({text, static_cast<unsigned>(ttls[static_cast<std::size_t>(i)].ttl)});
    }
  } else {
    ares_srv_reply* srv = nullptr;
    const int status = ares_parse_srv_reply(abuf, alen, &srv);
    if (status == ARES_ENODATA) {
      q.reply.status = DnsReply::Status::nodata;
      return;
    }
    if (status != ARES_SUCCESS) {
      q.reply.status = DnsReply::Status::failed;
      q.reply.error = std::string("malformed SRV answer: ") + ares_strerror(status);
      return;
    }
    for (auto* r = srv; r; r = r->next) q.reply.srv.push_back({r->priority, r->weight, r->port, r->host});
    ares_free_data(srv);
  }
  q.reply.status = (q.reply.addresses.empty() && q.reply.srv.empty()) ? DnsReply::Status::nodata
                                                                       : DnsReply::Status::answered;
}

void on_answer(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
  auto& q = *static_cast<PendingQuery*>(arg);
  q.done = true;
  if (status == ARES_SUCCESS) parse_answer(q, abuf, alen);
  else if (status == ARES_ENOTFOUND) q.reply.status = DnsReply::Status::nxdomain;
  else if (status == ARES_ENODATA) q.reply.status = DnsReply::Status::nodata;
  else {
    q.reply.status = DnsReply::Status::failed;
    q.reply.error = status == ARES_ECANCELLED ? "no answer in time" : ares_strerror(status);
  }
}

}  // namespace

DnsClient::DnsClient(std::string server_ip, std::uint16_t port) : server_ip_(std::move(server_ip)), port_(port) {}

DnsReply DnsClient::query(const std::string& name, DnsType type, bool use_tcp,
                          std::chrono::milliseconds timeout) const {
  ensure_library();
  DnsReply failed;
  failed.status = DnsReply::Status::failed;

  ares_options options{};
  options.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES | (use_tcp ? ARES_FLAG_USEVC : 0);
  options.timeout = static_cast<int>(std::max<long long>(100, timeout.count() / 2));  // per try
  options.tries = 2;
  ares_channel channel = nullptr;
  if (int st = ares_init_options(&channel, &options, ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
      st != ARES_SUCCESS) {
    failed.error = std::string("c-ares init: ") + ares_strerror(st);
    return failed;
  }
  ares_addr_port_node server{};
  server.family = AF_INET;
  server.udp_port = port_;
  server.tcp_port = port_;
  if (inet_pton(AF_INET, server_ip_.c_str(), &server.addr.addr4) != 1) {
    ares_destroy(channel);
    failed.error = "DNS server address is not IPv4: " + server_ip_;
    return failed;
  }
  if (int st = ares_set_servers_ports(channel, &server); st != ARES_SUCCESS) {
    ares_destroy(channel);
    failed.error = std::string("c-ares servers: ") + ares_strerror(st);
    return failed;
  }

  PendingQuery pending;
  pending.type = type;
  ares_query(channel, name.c_str(), ns_c_in, type == DnsType::A ? ns_t_a : ns_t_srv, on_answer, &pending);

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pending.done) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ares_cancel(channel);  // calls on_answer with ARES_ECANCELLED
      break;
    }
    ares_socket_t sockets[ARES_GETSOCK_MAXNUM];
    const int bits = ares_getsock(channel, sockets, ARES_GETSOCK_MAXNUM);
    std::vector<pollfd> fds;
    for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
      short events = 0;
      if (ARES_GETSOCK_READABLE(bits, i)) events |= POLLIN;
      if (ARES_GETSOCK_WRITABLE(bits, i)) events |= POLLOUT;
      if (events) fds.push_back({sockets[i], events, 0});
    }
    timeval max_wait{static_cast<time_t>(left.count() / 1000), static_cast<suseconds_t>((left.count() % 1000) * 1000)};
    timeval wait{};
    ares_timeout(channel, &max_wait, &wait);
    const int wait_ms = static_cast<int>(wait.tv_sec * 1000 + wait.tv_usec / 1000) + 1;
    const int ready = poll(fds.data(), fds.size(), wait_ms);
    if (ready <= 0) {
      ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // lets c-ares handle its timeouts
      continue;
    }
    for (const auto& p : fds) {
      if (!p.revents) continue;
      const bool readable = p.revents & (POLLIN | POLLERR | POLLHUP);
      const bool writable = p.revents & POLLOUT;
      ares_process_fd(channel, readable ? p.fd : ARES_SOCKET_BAD, writable ? p.fd : ARES_SOCKET_BAD);
    }
  }
  ares_destroy(channel);
  return pending.reply;
}

}  // namespace regsim
