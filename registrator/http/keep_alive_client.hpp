#pragma once
// The keep-alive client's former name. bench/docker/docker_api_bench.cpp (another folder's) still
// uses it; remove this header once that bench says http::Client.
#include "registrator/http/http_client.hpp"

namespace registrator::http {

using KeepAliveClient = Client;

}  // namespace registrator::http
