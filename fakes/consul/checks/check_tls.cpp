#include "fakes/consul/checks/check_tls.hpp"

#include <boost/asio/ip/address.hpp>

#include <openssl/x509_vfy.h>

#include <fstream>
#include <stdexcept>

namespace fakes::consul {

namespace ssl = boost::asio::ssl;

namespace {

void require_readable(const std::string& file, const char* what) {
  if (!std::ifstream(file)) throw std::runtime_error(std::string("cannot read ") + what + " " + file);
}

}  // namespace

ssl::context make_check_tls_context(const CheckTlsOptions& options) {
  ssl::context context(ssl::context::tls_client);
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3);
  if (!options.use_agent_tls) {
    context.set_default_verify_paths();
    return context;
  }
  boost::system::error_code ec;
  if (!options.ca_file.empty()) {
    require_readable(options.ca_file, "--tls-ca");
    context.load_verify_file(options.ca_file, ec);
    if (ec) throw std::runtime_error("cannot load --tls-ca " + options.ca_file + ": " + ec.message());
  }
  if (!options.cert_file.empty() && !options.key_file.empty()) {
    require_readable(options.cert_file, "--tls-cert");
    require_readable(options.key_file, "--tls-key");
    context.use_certificate_chain_file(options.cert_file, ec);
    if (ec) throw std::runtime_error("cannot load --tls-cert " + options.cert_file + ": " + ec.message());
    context.use_private_key_file(options.key_file, ssl::context::pem, ec);
    if (ec) throw std::runtime_error("cannot load --tls-key " + options.key_file + ": " + ec.message());
  }
  return context;
}

void prepare_check_connection(SSL* ssl, const std::string& host, const std::string& server_name, bool skip_verify) {
  if (skip_verify) {
    SSL_set_verify(ssl, SSL_VERIFY_NONE, nullptr);
  } else {
    SSL_set_verify(ssl, SSL_VERIFY_PEER, nullptr);
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    const std::string& name = server_name.empty() ? host : server_name;
    boost::system::error_code ec;
    boost::asio::ip::make_address(name, ec);
    if (!ec) {
      X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str());
    } else {
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size());
    }
  }
  const std::string& sni = server_name.empty() ? host : server_name;
  boost::system::error_code ec;
  boost::asio::ip::make_address(sni, ec);
  if (ec && !sni.empty()) SSL_set_tlsext_host_name(ssl, sni.c_str());
}

std::string describe_handshake_error(SSL* ssl, const boost::system::error_code& error) {
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK && SSL_get_verify_mode(ssl) != SSL_VERIFY_NONE)
    return std::string("tls: failed to verify certificate: ") + X509_verify_cert_error_string(verify);
  return "tls: " + error.message();
}

}  // namespace fakes::consul
