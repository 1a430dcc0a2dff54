#pragma once
// Ctrl-C / SIGTERM handling for regsim: the signal only sets a flag; every wait loop checks it
// and throws Interrupted, so the stack unwinds and every child process is stopped and reaped
// by its owner's destructor.

#include <chrono>
#include <stdexcept>

namespace regsim {

class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted") {}
};

/// Installs SIGINT/SIGTERM handlers that set the flag (and ignores SIGPIPE).
void install_interrupt_handlers();
bool interrupt_requested();
/// Throws Interrupted when a signal arrived.
void throw_if_interrupted();
/// Sleeps for `d` in short slices, throwing Interrupted as soon as a signal arrives.
void pause_for(std::chrono::milliseconds d);

}  // namespace regsim
