#include "registrator/http/tls_context.hpp"

#include <stdexcept>

namespace registrator::http {

namespace ssl = boost::asio::ssl;

TlsContext::TlsContext(const TlsClientSettings& settings) {
  context_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  auto check = [](boost::system::error_code ec, const std::string& what) {
    if (ec) throw std::invalid_argument("Cannot set up Consul TLSConfig: " + what + ": " + ec.message());
  };
  boost::system::error_code ec;
  if (settings.ca_file.empty()) {
    context_.set_default_verify_paths(ec);
    check(ec, "system CA certificates");
  } else {
    context_.load_verify_file(settings.ca_file, ec);
    check(ec, "CONSUL_CACERT " + settings.ca_file);
  }
  // Consul's api.SetupTLSConfig silently ignores a certificate without its key (or the
  // reverse); an operator who set one of them meant to use a client certificate.
  if (settings.cert_file.empty() != settings.key_file.empty()) {
    throw std::invalid_argument(
        "Cannot set up Consul TLSConfig: CONSUL_CLIENT_CERT and CONSUL_CLIENT_KEY must be set together");
  }
  if (!settings.cert_file.empty()) {
    context_.use_certificate_chain_file(settings.cert_file, ec);
    check(ec, "CONSUL_CLIENT_CERT " + settings.cert_file);
    context_.use_private_key_file(settings.key_file, ssl::context::pem, ec);
    check(ec, "CONSUL_CLIENT_KEY " + settings.key_file);
  }
  context_.set_verify_mode(ssl::verify_peer);
}

std::shared_ptr<TlsContext> make_tls_context(const TlsClientSettings& settings) {
  return std::make_shared<TlsContext>(settings);
}

}  // namespace registrator::http
