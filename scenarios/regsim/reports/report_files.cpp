#include "scenarios/regsim/reports/report_files.hpp"

#include "scenarios/regsim/reports/html_report.hpp"
#include "scenarios/regsim/reports/json_report.hpp"
#include "scenarios/regsim/reports/junit_report.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace regsim {

namespace {

// Empty when written, else why not.
std::string write_file(const std::filesystem::path& path, const std::string& text) {
  const auto temp = path.string() + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) return std::strerror(errno);
    out << text;
    out.flush();
    if (!out) return "write failed";
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    std::filesystem::remove(temp, ec);
    return ec.message();
  }
  return {};
}

}  // namespace

std::vector<std::string> write_reports(const RunRecord& run, const ReportPaths& paths) {
  std::vector<std::string> problems;
  auto write = [&](const char* option, const std::filesystem::path& path, auto render) {
    if (path.empty()) return;
    if (auto why = write_file(path, render()); !why.empty())
      problems.push_back(std::string("cannot write ") + option + " " + path.string() + ": " + why);
  };
  write("--junit", paths.junit, [&] { return junit_xml(run); });
  // Details quote registrator's output, which need not be UTF-8: replace, never throw.
  write("--json", paths.json,
        [&] { return json_report(run).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"; });
  write("--html", paths.html, [&] { return html_report(run); });
  return problems;
}

}  // namespace regsim
