#pragma once
// The OpenSSL client context behind http::TlsContext (private to the HTTP client).
#include <boost/asio/ssl/context.hpp>

#include "registrator/http/http_client.hpp"

namespace registrator::http {

class TlsContext {
 public:
  explicit TlsContext(const TlsClientSettings& settings);
  boost::asio::ssl::context& native() { return context_; }

 private:
  boost::asio::ssl::context context_{boost::asio::ssl::context::tls_client};
};

}  // namespace registrator::http
