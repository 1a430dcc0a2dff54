#include "scenarios/regsim/processes/ready_file.hpp"

#include "scenarios/regsim/interrupt.hpp"

#include <fstream>
#include <sstream>
#include <thread>

namespace regsim {
namespace {

std::string without_trailing_newline(std::string text) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

}  // namespace

nlohmann::json wait_for_ready_file(const std::filesystem::path& file, ChildProcess& process,
                                   std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    throw_if_interrupted();
    if (std::ifstream in{file}) {
      std::stringstream text;
      text << in.rdbuf();
      // A half-written file does not parse yet; keep polling.
      auto doc = nlohmann::json::parse(text.str(), nullptr, false);
      if (!doc.is_discarded() && doc.is_object()) return doc;
    }
    if (auto ended = process.exit_description())
      throw LaunchError(process.label() + " " + *ended + " before it was ready; log " +
                        process.log_file().string() + ":\n" + without_trailing_newline(process.log_tail()));
    if (std::chrono::steady_clock::now() >= deadline)
      throw LaunchError(process.label() + " did not write " + file.string() + " within " +
                        std::to_string(timeout.count()) + "ms; log " + process.log_file().string() + ":\n" +
                        without_trailing_newline(process.log_tail()));
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace regsim
