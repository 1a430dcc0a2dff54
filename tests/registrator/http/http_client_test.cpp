// DockerHttpClient / ConsulBackend against a minimal in-test HTTP server (unix socket and
// loopback TCP on port 0).
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <future>
#include <thread>

#include "registrator/backends/consul.hpp"
#include "registrator/docker/docker_http_client.hpp"
#include "registrator/docker/json_stream_splitter.hpp"
#include "registrator/backends/etcd_client.hpp"
#include "registrator/app/log.hpp"

namespace net = boost::asio;
using namespace registrator;

namespace {

struct Recorded {
  std::string head;  // request line + headers
  std::string body;
};

// Serves each connection with `handler(request) -> list of raw byte writes`, then closes.
template <class Protocol>
class MiniServer {
 public:
  using Handler = std::function<std::vector<std::string>(const Recorded&)>;
  MiniServer(typename Protocol::endpoint ep, Handler h) : acceptor_(ioc_, ep), handler_(std::move(h)) {
    thread_ = std::thread([this] { serve(); });
  }
  ~MiniServer() {
    stop_ = true;
    boost::system::error_code ec;
    // Wake the accept by connecting once.
    typename Protocol::socket s(ioc_);
    s.connect(acceptor_.local_endpoint(), ec);
    thread_.join();
  }
  typename Protocol::endpoint endpoint() const { return acceptor_.local_endpoint(); }
  std::vector<Recorded> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  void serve() {
    while (!stop_) {
      typename Protocol::socket sock(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(sock, ec);
      if (ec || stop_) return;
      std::string data;
      char buf[4096];
      std::size_t header_end = std::string::npos;
      while ((header_end = data.find("\r\n\r\n")) == std::string::npos) {
        std::size_t n = sock.read_some(net::buffer(buf), ec);
        if (ec) break;
        data.append(buf, n);
      }
      if (header_end == std::string::npos) continue;
      Recorded r;
      r.head = data.substr(0, header_end);
      r.body = data.substr(header_end + 4);
      std::size_t cl = 0;
      if (auto p = r.head.find("Content-Length: "); p != std::string::npos) cl = std::stoul(r.head.substr(p + 16));
      while (r.body.size() < cl) {
        std::size_t n = sock.read_some(net::buffer(buf), ec);
        if (ec) break;
        r.body.append(buf, n);
      }
      {
        std::lock_guard lock(mu_);
        requests_.push_back(r);
      }
      for (const auto& w : handler_(r)) net::write(sock, net::buffer(w), ec);
      sock.shutdown(Protocol::socket::shutdown_both, ec);
    }
  }

  net::io_context ioc_;
  typename Protocol::acceptor acceptor_;
  Handler handler_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<Recorded> requests_;
};

std::string response(int status, const std::string& body, const std::string& type = "application/json") {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: " + type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

std::string chunk(const std::string& s) {
  char len[32];
  std::snprintf(len, sizeof len, "%zx\r\n", s.size());
  return len + s + "\r\n";
}

std::string temp_socket_path() {
  return "/tmp/reg-http-test-" + std::to_string(::getpid()) + "-" +
         ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".sock";
}

struct SocketFile {
  std::string path = temp_socket_path();
  SocketFile() { ::unlink(path.c_str()); }
  ~SocketFile() { ::unlink(path.c_str()); }
};

class Sink : public EventSink {
 public:
  int connected = 0;
  std::vector<DockerEvent> events;
  void on_connected() override { ++connected; }
  void on_event(DockerEvent e) override { events.push_back(std::move(e)); }
};

}  // namespace

TEST(RegistratorDockerHttp, ListInspectAndErrorsOverUnixSocket) {
  SocketFile sock;
  MiniServer<net::local::stream_protocol> server(
      net::local::stream_protocol::endpoint(sock.path), [](const Recorded& r) -> std::vector<std::string> {
        if (r.head.rfind("GET /containers/json ", 0) == 0) return {response(200, R"([{"Id":"abc"},{"Id":"def"}])")};
        if (r.head.rfind("GET /containers/abc/json ", 0) == 0) return {response(200, R"({"Id":"abc","Name":"/x"})")};
        if (r.head.rfind("GET /containers/garbage/json ", 0) == 0) return {response(200, "{not json")};
        if (r.head.rfind("GET /containers/boom/json ", 0) == 0) return {response(500, R"({"message":"boom"})")};
        return {response(404, R"({"message":"No such container: nope"})")};
      });
  DockerHttpClient docker(DockerHttpClient::endpoint_from_docker_host("unix://" + sock.path));
  EXPECT_EQ(docker.list_containers(), (std::vector<std::string>{"abc", "def"}));
  auto c = docker.inspect("abc");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ((*c)["Name"], "/x");
  EXPECT_FALSE(docker.inspect("nope").has_value());
  try {
    docker.inspect("boom");
    FAIL() << "expected DockerError";
  } catch (const DockerError& e) {
    EXPECT_EQ(std::string(e.what()), "docker unix://" + sock.path + ": HTTP 500: boom");
  }
  EXPECT_THROW(docker.inspect("garbage"), DockerError);
}

TEST(RegistratorDockerHttp, RefusedConnectionNamesThePeer) {
  SocketFile sock;  // nothing listening
  DockerHttpClient docker(http::Endpoint::unix_socket(sock.path), std::chrono::seconds(5));
  try {
    docker.list_containers();
    FAIL() << "expected DockerError";
  } catch (const DockerError& e) {
    EXPECT_NE(std::string(e.what()).find("unix://" + sock.path + ": connect:"), std::string::npos) << e.what();
  }
  Sink sink;
  std::string reason = docker.stream_events(std::nullopt, sink);
  EXPECT_NE(reason.find("connect"), std::string::npos) << reason;
  EXPECT_EQ(sink.connected, 0);
}

TEST(RegistratorDockerHttp, EventStreamSplitAcrossChunksThenEnds) {
  SocketFile sock;
  const std::string e1 =
      R"({"Type":"container","Action":"start","Actor":{"ID":"abc","Attributes":{"name":"web"}},"time":100,"timeNano":100000000001})";
  const std::string e2 = R"({"status":"die","id":"def","from":"img","time":101})";  // legacy engine
  const std::string e3 =
      R"({"Type":"container","Action":"die","Actor":{"ID":"ghi","Attributes":{"exitCode":"137"}},"time":102})";
  MiniServer<net::local::stream_protocol> server(
      net::local::stream_protocol::endpoint(sock.path), [&](const Recorded&) -> std::vector<std::string> {
        return {"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
                chunk(e1.substr(0, 30)), chunk(e1.substr(30) + "\n" + e2.substr(0, 5)), chunk(e2.substr(5) + "\n"),
                chunk("garbage{\"x\":\n"), chunk("}\n" + e3 + "\n"), "0\r\n\r\n"};
      });
  log::set_sink([](std::string_view) {});
  DockerHttpClient docker(http::Endpoint::unix_socket(sock.path));
  Sink sink;
  std::string reason = docker.stream_events(42, sink);
  log::set_sink({});
  EXPECT_EQ(reason, "end of stream");
  EXPECT_EQ(sink.connected, 1);
  ASSERT_EQ(sink.events.size(), 3u);
  EXPECT_EQ(sink.events[0].action, "start");
  EXPECT_EQ(sink.events[0].id, "abc");
  EXPECT_EQ(sink.events[0].attributes.at("name"), "web");
  EXPECT_EQ(sink.events[0].time_nano, 100000000001);
  EXPECT_EQ(sink.events[1].action, "die");
  EXPECT_EQ(sink.events[1].id, "def");
  EXPECT_EQ(sink.events[1].type, "container");
  EXPECT_EQ(sink.events[2].attributes.at("exitCode"), "137");
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].head.rfind("GET /events?filters=%7B%22type%22%3A%5B%22container%22%5D%7D&since=42 HTTP/1.1", 0),
            0u)
      << reqs[0].head;
}

TEST(RegistratorDockerHttp, EventStreamErrorStatusIsReported) {
  SocketFile sock;
  MiniServer<net::local::stream_protocol> server(
      net::local::stream_protocol::endpoint(sock.path),
      [](const Recorded&) -> std::vector<std::string> { return {response(400, R"({"message":"bad filter"})")}; });
  DockerHttpClient docker(http::Endpoint::unix_socket(sock.path));
  Sink sink;
  std::string reason = docker.stream_events(std::nullopt, sink);
  EXPECT_NE(reason.find("HTTP 400"), std::string::npos) << "[" << reason << "]";
  EXPECT_NE(reason.find("bad filter"), std::string::npos) << reason;
  EXPECT_EQ(sink.connected, 0);
}

// cancel_events() from another thread wakes a stream blocked in poll (here: waiting for the
// answer's head), and every later stream ends at once.
TEST(RegistratorDockerHttp, CancelEndsAWaitingEventStreamFromAnotherThread) {
  SocketFile sock;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  MiniServer<net::local::stream_protocol> server(net::local::stream_protocol::endpoint(sock.path),
                                                 [released](const Recorded&) -> std::vector<std::string> {
                                                   released.wait();  // never answers while the test runs
                                                   return {};
                                                 });
  DockerHttpClient docker(http::Endpoint::unix_socket(sock.path), std::chrono::seconds(60));
  Sink sink;
  auto ended = std::async(std::launch::async, [&] { return docker.stream_events(std::nullopt, sink); });
  while (server.requests().empty()) std::this_thread::yield();
  docker.cancel_events();
  EXPECT_EQ(ended.get(), "cancelled");
  EXPECT_EQ(docker.stream_events(std::nullopt, sink), "cancelled");
  EXPECT_EQ(sink.connected, 0);
  release.set_value();
}

TEST(RegistratorDockerHttp, DockerHostParsing) {
  auto u = DockerHttpClient::endpoint_from_docker_host("");
  EXPECT_EQ(u.describe(), "unix:///tmp/docker.sock");
  auto t = DockerHttpClient::endpoint_from_docker_host("tcp://127.0.0.1:2375");
  EXPECT_EQ(t.describe(), "127.0.0.1:2375");
  EXPECT_THROW(DockerHttpClient::endpoint_from_docker_host("npipe:////./pipe/docker_engine"), std::invalid_argument);
}

TEST(RegistratorConsulHttp, RegisterDeregisterPingServicesOverTcp) {
  MiniServer<net::ip::tcp> server(
      net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), 0), [](const Recorded& r) -> std::vector<std::string> {
        if (r.head.rfind("GET /v1/status/leader ", 0) == 0) return {response(200, "\"127.0.0.1:8300\"")};
        if (r.head.rfind("GET /v1/agent/services ", 0) == 0) {
          return {response(200, R"({"a":{"ID":"a","Service":"web","Port":80,"Address":"1.2.3.4","Tags":["x"]}})")};
        }
        if (r.head.rfind("PUT /v1/agent/service/deregister/missing ", 0) == 0) {
          return {response(404, "Unknown service ID \"missing\"", "text/plain")};
        }
        return {response(200, "")};
      });
  log::set_sink([](std::string_view) {});
  ConsulBackend consul(http::Endpoint::tcp("127.0.0.1", std::to_string(server.endpoint().port())), "s3cret");
  consul.ping();
  Service s;
  s.id = "node1:web 1/x:80";
  s.name = "web";
  s.port = 8080;
  s.ip = "10.0.0.1";
  consul.register_service(s);
  consul.deregister(s);
  auto services = consul.services();
  ASSERT_EQ(services.size(), 1u);
  EXPECT_EQ(services[0].name, "web");
  EXPECT_EQ(services[0].tags, std::vector<std::string>{"x"});
  Service missing;
  missing.id = "missing";
  try {
    consul.deregister(missing);
    FAIL() << "expected RegistryError";
  } catch (const RegistryError& e) {
    EXPECT_NE(std::string(e.what()).find("Unexpected response code: 404 (Unknown service ID \"missing\")"),
              std::string::npos)
        << e.what();
  }
  log::set_sink({});
  auto reqs = server.requests();
  ASSERT_GE(reqs.size(), 3u);
  EXPECT_EQ(reqs[1].head.rfind("PUT /v1/agent/service/register HTTP/1.1", 0), 0u);
  EXPECT_NE(reqs[1].head.find("X-Consul-Token: s3cret"), std::string::npos);
  EXPECT_EQ(reqs[1].body, R"({"ID":"node1:web 1/x:80","Name":"web","Port":8080,"Address":"10.0.0.1","Check":null,"Checks":null})");
  EXPECT_EQ(reqs[2].head.rfind("PUT /v1/agent/service/deregister/node1:web%201%2Fx:80 HTTP/1.1", 0), 0u) << reqs[2].head;
}

TEST(RegistratorConsulHttp, RefusedAndGarbage) {
  // Grab a free port, then close it so nothing listens there.
  net::io_context ioc;
  net::ip::tcp::acceptor a(ioc, net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  std::string port = std::to_string(a.local_endpoint().port());
  a.close();
  ConsulBackend refused(http::Endpoint::tcp("127.0.0.1", port), "");
  try {
    refused.ping();
    FAIL();
  } catch (const RegistryError& e) {
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + port + ": connect:"), std::string::npos) << e.what();
  }
  MiniServer<net::ip::tcp> server(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), 0),
                                  [](const Recorded&) -> std::vector<std::string> { return {"garbage\r\n\r\n"}; });
  ConsulBackend garbage(http::Endpoint::tcp("127.0.0.1", std::to_string(server.endpoint().port())), "");
  EXPECT_THROW(garbage.ping(), RegistryError);
  EXPECT_THROW(garbage.services(), RegistryError);
}

TEST(RegistratorJsonSplitter, HandlesSeparatorsStringsAndPartialInput) {
  JsonStreamSplitter s;
  EXPECT_TRUE(s.feed("\x1e{\"a\":\"}{\\\"\"").empty());
  auto out = s.feed(",\"b\":[1,{}]}\n{\"c\":1}{");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], "{\"a\":\"}{\\\"\",\"b\":[1,{}]}");
  EXPECT_EQ(out[1], "{\"c\":1}");
  EXPECT_EQ(s.pending(), 1u);
}

TEST(RegistratorJsonSplitter, StrayBytesAndValuesCutByANewlineAreHandedOnNotSwallowed) {
  JsonStreamSplitter s;
  // Docker writes one compact event per line: an unbalanced '{' must not swallow later events.
  auto out = s.feed("oops\n{\"a\":\n{\"b\":1}\nxx{\"c\":2}\n");
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(out[0], "oops");
  EXPECT_EQ(out[1], "{\"a\":");
  EXPECT_EQ(out[2], "{\"b\":1}");
  EXPECT_EQ(out[3], "xx");
  EXPECT_EQ(out[4], "{\"c\":2}");
  EXPECT_EQ(s.pending(), 0u);
}

TEST(RegistratorJsonSplitter, AnEndlessLineIsCutAtTheLimit) {
  JsonStreamSplitter s;
  std::string big = "{\"a\":\"" + std::string(JsonStreamSplitter::kMaxText + 10, 'x');
  auto out = s.feed(big);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(s.pending(), 0u);
  out = s.feed("\"}\n{\"b\":1}\n");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1], "{\"b\":1}");
}

// etcd's JSON gateway answering garbage where registrator parses it: every case is a
// RegistryError naming the peer (and its message), never a crash or a json exception.
TEST(RegistratorEtcdHttp, GarbageAndErrorAnswersAreRegistryErrorsNamingThePeer) {
  std::string range_answer;
  MiniServer<net::ip::tcp> server(
      net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), 0), [&](const Recorded& r) -> std::vector<std::string> {
        if (r.head.rfind("POST /v3/kv/range ", 0) == 0) return {range_answer};
        if (r.head.rfind("POST /v3/lease/grant ", 0) == 0) return {response(200, R"({"ID":"not-a-number","TTL":"5"})")};
        return {response(404, "")};
      });
  const std::string peer = "127.0.0.1:" + std::to_string(server.endpoint().port());
  EtcdClient etcd(http::Endpoint::tcp("127.0.0.1", std::to_string(server.endpoint().port())), std::chrono::seconds(5));
  auto expect_error = [&](const std::string& answer, const std::string& needle) {
    range_answer = answer;
    try {
      etcd.get_prefix("/services/");
      ADD_FAILURE() << "no error for " << answer;
    } catch (const RegistryError& e) {
      EXPECT_NE(std::string(e.what()).find(peer), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
    try {
      etcd.get("/services/x");
      ADD_FAILURE() << "no error for " << answer;
    } catch (const RegistryError& e) {
      EXPECT_NE(std::string(e.what()).find(peer), std::string::npos) << e.what();
    }
  };
  expect_error(response(200, R"({"header":{},"kvs":[{"key":"L3M=","val)"), "response is not a JSON object");
  expect_error(response(200, R"({"kvs":[1]})"), "range answer element is not an object");
  expect_error(response(200, R"({"kvs":[{"key":5,"value":7}]})"), "is not a string");
  expect_error(response(200, R"({"kvs":[{"key":"***","value":"***"}]})"), "bad base64");
  expect_error(response(503, R"({"error":"etcdserver: too many requests","code":14})"),
               "HTTP 503 ({\"error\":\"etcdserver: too many requests\"");
  expect_error("HTTP/1.1 200 OK\r\nContent-Length: 900\r\n\r\n{\"kvs\":", "read: partial message");
  EXPECT_THROW(etcd.grant_lease(5), RegistryError);
}
