// KeepAliveClient: many requests share one connection; a connection the server closed while
// idle is replaced without the caller seeing an error; errors still name the peer.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <future>
#include <thread>

#include "fakes/common/http/server.hpp"
#include "registrator/http/http_client.hpp"

namespace {

using registrator::http::Endpoint;
using registrator::http::Client;
using registrator::http::Request;

class CountingServer {
 public:
  CountingServer()
      : server_(io_, [this](const fakes::http::ExchangePtr& ex) {
          ++requests_;
          ex->respond(fakes::http::make_response(fakes::http::Status::ok, std::to_string(requests_), "text/plain"));
        }) {
    port_ = server_.listen_tcp("127.0.0.1", 0);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~CountingServer() {
    on_io([this] { server_.stop(); });
    io_.stop();
    thread_.join();
  }
  template <class F>
  auto on_io(F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    return result.get();
  }
  std::size_t open_connections() { return on_io([this] { return server_.connection_count(); }); }
  void drop_connections() { on_io([this] { server_.close_connections(); }); }
  Endpoint endpoint() const { return Endpoint::tcp("127.0.0.1", std::to_string(port_)); }

 private:
  boost::asio::io_context io_;
  int requests_ = 0;
  fakes::http::Server server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

TEST(KeepAliveClient, ManyRequestsShareOneConnection) {
  CountingServer server;
  Client client(server.endpoint());
  Request req;
  req.target = "/v1/agent/self";
  for (int i = 1; i <= 20; ++i) {
    auto r = client.send(req, std::chrono::seconds(5));
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(r.body, std::to_string(i));
  }
  EXPECT_EQ(server.open_connections(), 1u);
}

TEST(KeepAliveClient, AConnectionClosedWhileIdleIsReplacedTransparently) {
  CountingServer server;
  Client client(server.endpoint());
  Request req;
  req.method = "PUT";
  req.target = "/v1/agent/service/register";
  req.body = "{}";
  ASSERT_EQ(client.send(req, std::chrono::seconds(5)).body, "1");
  server.drop_connections();  // as an agent restart or an idle timeout would
  auto r = client.send(req, std::chrono::seconds(5));
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "2") << "the request must reach the server exactly once more";
  EXPECT_EQ(server.open_connections(), 1u);
}

TEST(KeepAliveClient, PipelinedRequestsAreAnsweredInOrderOnTheKeptConnection) {
  CountingServer server;
  Client client(server.endpoint());
  std::vector<Request> batch(32);
  for (auto& r : batch) {
    r.method = "PUT";
    r.target = "/v1/agent/service/register";
    r.body = R"({"ID":"x"})";
  }
  for (int round = 0; round < 2; ++round) {
    auto answers = client.send_pipelined(batch, std::chrono::seconds(5));
    ASSERT_EQ(answers.size(), batch.size());
    for (std::size_t i = 0; i < answers.size(); ++i) {
      ASSERT_TRUE(answers[i].answered()) << i << ": " << answers[i].error;
      EXPECT_EQ(answers[i].response->body, std::to_string(round * 32 + static_cast<int>(i) + 1));
    }
  }
  EXPECT_EQ(server.open_connections(), 1u);
  server.drop_connections();  // idle connection closed by the peer: the batch goes out again, once
  auto answers = client.send_pipelined(batch, std::chrono::seconds(5));
  ASSERT_TRUE(answers.back().answered()) << answers.back().error;
  EXPECT_EQ(answers.back().response->body, "96");
}

// A peer that answers two requests of a pipeline and closes: the third is the failure, named as
// send() names it; the fourth is left for the caller to send again.
TEST(KeepAliveClient, PipelineCutShortReportsTheFailureAndLeavesTheRestUnanswered) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto port = acceptor.local_endpoint().port();
  std::thread peer([&] {
    auto socket = acceptor.accept();
    std::string seen;
    char buf[4096];
    boost::system::error_code ec;
    while (seen.find("/4 HTTP") == std::string::npos && !ec) seen.append(buf, socket.read_some(boost::asio::buffer(buf), ec));
    const std::string two = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb";
    boost::asio::write(socket, boost::asio::buffer(two), ec);
    socket.close();
  });
  Client client(Endpoint::tcp("127.0.0.1", std::to_string(port)));
  std::vector<Request> batch(4);
  for (std::size_t i = 0; i < batch.size(); ++i) batch[i].target = "/" + std::to_string(i + 1);
  auto answers = client.send_pipelined(batch, std::chrono::seconds(5));
  peer.join();
  ASSERT_TRUE(answers[0].answered());
  EXPECT_EQ(answers[0].response->body, "a");
  ASSERT_TRUE(answers[1].answered());
  EXPECT_EQ(answers[1].response->body, "b");
  EXPECT_FALSE(answers[2].answered());
  EXPECT_NE(answers[2].error.find("127.0.0.1:" + std::to_string(port) + ": read: "), std::string::npos) << answers[2].error;
  EXPECT_FALSE(answers[3].answered());
  EXPECT_FALSE(answers[3].failed());
}

TEST(KeepAliveClient, RefusedConnectionNamesThePeer) {
  Client client(Endpoint::tcp("127.0.0.1", "1"));
  Request req;
  try {
    client.send(req, std::chrono::seconds(2));
    FAIL() << "no error from a refused connection";
  } catch (const registrator::http::TransportError& e) {
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:1: connect:"), std::string::npos) << e.what();
  }
}

}  // namespace
