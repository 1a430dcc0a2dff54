// The report writers (--junit, --json, --html) on a hand-made run: the XML is well-formed and
// says which checks failed and why, the JSON parses and carries every check, the HTML holds
// both charts and every scenario.
#include "scenarios/regsim/reports/html_report.hpp"
#include "scenarios/regsim/reports/json_report.hpp"
#include "scenarios/regsim/reports/junit_report.hpp"
#include "scenarios/regsim/reports/report_files.hpp"
#include "scenarios/regsim/reports/svg_charts.hpp"

#include "tests/scenarios/regsim/reports/mini_xml.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace regsim {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

RunRecord sample_run() {
  RunRecord run;
  ScenarioRecord a;
  a.name = "seed-single-host";
  a.file = "scenarios/seed-single-host.json";
  a.description = "web5 <registered> & \"found\"";
  a.passed = true;
  a.elapsed = 2500ms;
  a.checks.push_back({"catalog", "catalog valami", "2 entries as expected", true, 300ms, 120ms});
  a.checks.push_back({"dns", "dns A valami.service.dc1.consul", "[172.17.0.2], TTL 0", true, 450ms, 10ms});
  a.timeline.push_back({100ms, "run host1/web5: id 0123456789ab"});
  a.timeline.push_back({1200ms, "stop host1/web5"});
  ScenarioRecord b;
  b.name = "broken & <odd>";
  b.file = "b.json";
  b.passed = false;
  b.elapsed = 6000ms;
  b.checks.push_back({"catalog", "catalog valami within 5s",
                      "entry ServiceID=host1:web5:80: ServicePort expected 80, got 81 \x01<tail>", false, 500ms, 5000ms});
  b.checks.push_back({"catalog", "catalog valami within 5s", "no entries, as expected", true, 5600ms, 1500ms});
  run.scenarios = {a, b};
  return run;
}

TEST(JunitReport, IsWellFormedWithASuitePerScenarioAndACasePerCheck) {
  const auto xml = junit_xml(sample_run());
  std::unique_ptr<test::XmlElement> root;
  ASSERT_NO_THROW(root = test::MiniXml::parse(xml)) << xml;
  EXPECT_EQ(root->name, "testsuites");
  EXPECT_EQ(root->attributes["tests"], "4");
  EXPECT_EQ(root->attributes["failures"], "1");
  const auto suites = root->all("testsuite");
  ASSERT_EQ(suites.size(), 2u);
  EXPECT_EQ(suites[0]->attributes.at("name"), "seed-single-host");
  EXPECT_EQ(suites[0]->attributes.at("failures"), "0");
  EXPECT_EQ(suites[1]->attributes.at("name"), "broken & <odd>");
  EXPECT_EQ(suites[1]->attributes.at("time"), "6.000");
  const auto cases = root->all("testcase");
  ASSERT_EQ(cases.size(), 4u);
  EXPECT_EQ(cases[0]->attributes.at("name"), "1. catalog valami");
  EXPECT_EQ(cases[0]->attributes.at("time"), "0.120");
  EXPECT_TRUE(cases[0]->children.empty()) << "a passed check has no failure";
  EXPECT_EQ(cases[2]->attributes.at("name"), "1. catalog valami within 5s");
  EXPECT_EQ(cases[3]->attributes.at("name"), "2. catalog valami within 5s") << "repeated labels stay distinct";
  const auto failures = root->all("failure");
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_THAT(failures[0]->attributes.at("message"), HasSubstr("ServicePort expected 80, got 81"));
  EXPECT_THAT(failures[0]->attributes.at("message"), HasSubstr("<tail>"));
  EXPECT_THAT(failures[0]->text, HasSubstr("catalog valami within 5s: entry ServiceID=host1:web5:80"));
}

TEST(JunitReport, AnEmptyRunIsStillADocument) {
  const auto root = test::MiniXml::parse(junit_xml(RunRecord{}));
  EXPECT_EQ(root->attributes["tests"], "0");
  EXPECT_TRUE(root->children.empty());
}

TEST(JsonReport, CarriesEveryCheckWithKindMessageAndDuration) {
  const auto doc = nlohmann::json::parse(json_report(sample_run()).dump());
  EXPECT_FALSE(doc["passed"].get<bool>());
  EXPECT_EQ(doc["checks_passed"], 3);
  EXPECT_EQ(doc["checks_failed"], 1);
  ASSERT_EQ(doc["scenarios"].size(), 2u);
  const auto& first = doc["scenarios"][0];
  EXPECT_EQ(first["name"], "seed-single-host");
  EXPECT_TRUE(first["passed"].get<bool>());
  EXPECT_EQ(first["duration_ms"], 2500);
  ASSERT_EQ(first["checks"].size(), 2u);
  EXPECT_EQ(first["checks"][1]["kind"], "dns");
  EXPECT_EQ(first["checks"][1]["description"], "dns A valami.service.dc1.consul");
  EXPECT_EQ(first["checks"][1]["duration_ms"], 10);
  EXPECT_EQ(first["timeline"][1]["text"], "stop host1/web5");
  const auto& failed = doc["scenarios"][1]["checks"][0];
  EXPECT_FALSE(failed["passed"].get<bool>());
  EXPECT_THAT(failed["message"].get<std::string>(), HasSubstr("ServicePort expected 80, got 81"));
  EXPECT_EQ(failed["duration_ms"], 5000);
}

TEST(HtmlReport, HoldsTheChartsAndEveryScenarioEscaped) {
  const auto html = html_report(sample_run());
  EXPECT_THAT(html, HasSubstr("<!DOCTYPE html>"));
  EXPECT_THAT(html, HasSubstr("<svg class=\"lag\""));
  EXPECT_THAT(html, HasSubstr("<svg class=\"timeline\""));
  EXPECT_THAT(html, HasSubstr(">seed-single-host</a>"));
  EXPECT_THAT(html, HasSubstr("broken &amp; &lt;odd&gt;"));
  EXPECT_THAT(html, ::testing::Not(HasSubstr("<odd>"))) << "scenario text is escaped";
  EXPECT_THAT(html, HasSubstr("ServicePort expected 80, got 81"));
  EXPECT_THAT(html, ::testing::Not(HasSubstr("<script"))) << "self-contained and static";
  EXPECT_THAT(html, ::testing::Not(HasSubstr("src="))) << "nothing fetched";
  EXPECT_THAT(html, ::testing::Not(HasSubstr("href=\"http"))) << "nothing linked outside the page";
}

TEST(LagHistogram, CountsPassedCheckTimesIntoBuckets) {
  const auto counts = lag_histogram({10ms, 49ms, 50ms, 120ms, 999ms, 1000ms, 7000ms});
  ASSERT_EQ(counts.size(), lag_bucket_bounds().size() + 1);
  EXPECT_EQ(counts[0], 2);  // < 50ms
  EXPECT_EQ(counts[1], 1);  // < 100ms
  EXPECT_EQ(counts[2], 1);  // < 250ms
  EXPECT_EQ(counts[4], 1);  // < 1s
  EXPECT_EQ(counts[5], 1);  // < 2s
  EXPECT_EQ(counts.back(), 1);
  // The chart is an SVG document of its own.
  const auto svg = test::MiniXml::parse(lag_histogram_svg({10ms, 7000ms}));
  EXPECT_EQ(svg->name, "svg");
  EXPECT_EQ(svg->all("rect").size(), counts.size());
}

TEST(ReportFiles, WritesEachRequestedFileAndNamesOnesItCannot) {
  const auto dir = std::filesystem::temp_directory_path() / ("regsim-report-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  ReportPaths paths{dir / "r.xml", dir / "r.json", dir / "r.html"};
  EXPECT_TRUE(write_reports(sample_run(), paths).empty());
  for (const auto& p : {paths.junit, paths.json, paths.html}) EXPECT_GT(std::filesystem::file_size(p), 100u) << p;
  std::ifstream in(paths.json);
  const auto parsed = nlohmann::json::parse(in, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << "the --json file parses";
  EXPECT_EQ(parsed["checks_failed"], 1);

  const auto problems = write_reports(sample_run(), ReportPaths{dir / "missing" / "r.xml", {}, {}});
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems[0], HasSubstr("cannot write --junit " + (dir / "missing" / "r.xml").string()));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace regsim
