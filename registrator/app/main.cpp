// registrator: registers Docker container services in Consul (C++ port of gliderlabs/registrator).
#include "registrator/app/app.hpp"

int main(int argc, char** argv) { return registrator::run_app(argc, argv); }
