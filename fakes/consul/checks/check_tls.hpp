#pragma once
// TLS for HTTPS checks, as Consul's agent sets it up (tlsutil OutgoingTLSConfigForCheck): the
// trusted CAs come from the system by default, or only from the agent's CA file with
// enable_agent_tls_for_checks (which also presents the agent's certificate); per check,
// TLSSkipVerify turns verification off and TLSServerName replaces the URL's host for SNI and
// for the name the certificate must carry.
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream_base.hpp>

#include <openssl/ssl.h>

#include <string>

namespace fakes::consul {

struct CheckTlsOptions {
  /// Consul's enable_agent_tls_for_checks: trust only ca_file (and present cert/key when set)
  /// instead of the system's roots.
  bool use_agent_tls = false;
  std::string ca_file, cert_file, key_file;
};

/// The client context every HTTPS check shares. Throws std::runtime_error naming the file when
/// the CA, certificate or key cannot be loaded.
boost::asio::ssl::context make_check_tls_context(const CheckTlsOptions& options);

/// Sets one connection up before its handshake: verification on unless skip_verify, the name to
/// verify (server_name, else host; an IP host must be among the certificate's IP SANs) and SNI
/// (server_name or a host name; Go sends none for an IP).
void prepare_check_connection(SSL* ssl, const std::string& host, const std::string& server_name, bool skip_verify);

/// Words for a failed handshake, naming what went wrong as Go's client does
/// ("tls: failed to verify certificate: <OpenSSL's verify error>"), else the error's message.
std::string describe_handshake_error(SSL* ssl, const boost::system::error_code& error);

}  // namespace fakes::consul
