// regsim: replays registrator scenarios against fake-docker and fake-consul. See cli.hpp.
#include "regsim/cli.hpp"

#include <iostream>

int main(int argc, char** argv) {
  try {
    return regsim::run_cli(std::vector<std::string>(argv + 1, argv + argc), std::cout, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "regsim: " << e.what() << "\n";
    return 2;
  }
}
