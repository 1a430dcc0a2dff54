// -log-format json: what a log shipper gets for registrator's lines (registrator/app/log_record.*).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "registrator/app/log_record.hpp"

using namespace registrator::log;
using nlohmann::json;

namespace {

json as_json(const Record& r) {
  const std::string line = to_json_line(r);
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line, newline-terminated: " << line;
  return json::parse(line);
}

}  // namespace

TEST(RegistratorLogRecord, JsonLineHasTimeLevelMessageThenFieldsInOrder) {
  Record r;
  r.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1796542201123));  // 2026-12-06T07:30:01.123Z
  r.level = Level::warn;
  r.message = "health: registry unreachable";
  r.fields = {{"error", "connect: Connection refused"}, {"addr", "127.0.0.1:8500"}};
  EXPECT_EQ(to_json_line(r),
            R"({"time":"2026-12-06T07:30:01.123Z","level":"warn","message":"health: registry unreachable",)"
            R"("error":"connect: Connection refused","addr":"127.0.0.1:8500"})"
            "\n");
}

TEST(RegistratorLogRecord, BytesThatAreNotUtf8StillMakeValidJson) {
  Record r;
  r.message = std::string("docker: ignoring undecodable event: \xff\xfe{\"a\"\n");
  const json j = as_json(r);
  EXPECT_EQ(j["message"], "docker: ignoring undecodable event: \xEF\xBF\xBD\xEF\xBF\xBD{\"a\"\n");
}

TEST(RegistratorLogRecord, UpstreamLinesGetLevelAndFields) {
  struct Case {
    std::string line;
    std::string level;
    json fields;  // besides time, level, message
  } cases[] = {
      {"added: 0123456789ab host1:web1:80", "info",
       {{"event", "added"}, {"container_id", "0123456789ab"}, {"service_id", "host1:web1:80"}}},
      {"removed: 0123456789ab host1:web1:80", "info",
       {{"event", "removed"}, {"container_id", "0123456789ab"}, {"service_id", "host1:web1:80"}}},
      {"ignored: 0123456789ab no published ports", "info",
       {{"event", "ignored"}, {"container_id", "0123456789ab"}, {"detail", "no published ports"}}},
      {"register failed: host1:web1:80 consul 127.0.0.1:8500: connect: Connection refused", "error",
       {{"event", "register failed"}, {"service_id", "host1:web1:80"}, {"error", "consul 127.0.0.1:8500: connect: Connection refused"}}},
      {"sync register failed: host1:web1:80 boom", "error",
       {{"event", "register failed"}, {"service_id", "host1:web1:80"}, {"error", "boom"}}},
      {"deregister failed: host1:web1:80 boom", "error",
       {{"event", "deregister failed"}, {"service_id", "host1:web1:80"}, {"error", "boom"}}},
      {"register abandoned: 0123456789ab host1:web1:80 (container died)", "warn",
       {{"event", "register abandoned"}, {"container_id", "0123456789ab"}, {"service_id", "host1:web1:80"}}},
      {"unable to inspect container: 0123456789ab docker x: HTTP 500: no (retrying in 250 ms)", "error",
       {{"event", "inspect failed"}, {"container_id", "0123456789ab"}, {"detail", "docker x: HTTP 500: no (retrying in 250 ms)"}}},
      {"Docker event stream ended: connect: No such file or directory", "warn",
       {{"event", "docker events ended"}, {"error", "connect: No such file or directory"}}},
      {"error listing containers, skipping sync: boom", "error", json::object()},
      {"etcd: failed to register service: boom", "error", json::object()},
      {"Syncing services on 3 containers", "info", json::object()},
  };
  for (const auto& c : cases) {
    const json j = as_json(classify(c.line));
    EXPECT_EQ(j["message"], c.line);
    EXPECT_EQ(j["level"], c.level) << c.line;
    json fields = j;
    for (const char* k : {"time", "level", "message"}) fields.erase(k);
    EXPECT_EQ(fields, c.fields) << c.line;
  }
}
