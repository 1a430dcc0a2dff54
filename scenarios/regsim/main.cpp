// regsim: replays registrator scenarios against fake-docker and fake-consul. See cli.hpp.
#include "scenarios/regsim/cli.hpp"

#include <unistd.h>

#include <iostream>

int main(int argc, char** argv) {
  try {
    // The live status line is for people watching a terminal; pipes and files get plain lines.
    const bool live = ::isatty(STDOUT_FILENO) == 1;
    return regsim::run_cli(std::vector<std::string>(argv + 1, argv + argc), std::cout, std::cerr, live);
  } catch (const std::exception& e) {
    std::cerr << "regsim: " << e.what() << "\n";
    return 2;
  }
}
