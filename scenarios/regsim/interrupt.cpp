#include "scenarios/regsim/interrupt.hpp"

#include <algorithm>
#include <thread>

#include <csignal>

namespace regsim {
namespace {

volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void on_signal(int) { g_interrupted = 1; }

}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

bool interrupt_requested() { return g_interrupted != 0; }

void throw_if_interrupted() {
  if (g_interrupted) throw Interrupted();
}

void pause_for(std::chrono::milliseconds d) {
  constexpr auto slice = std::chrono::milliseconds(50);
  const auto until = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < until) {
    throw_if_interrupted();
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(slice, until - std::chrono::steady_clock::now()));
  }
}

}  // namespace regsim
