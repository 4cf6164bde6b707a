#include "hubctl/httplib_transport.h"

#include <httplib.h>

namespace edgehub::hubctl {
namespace {

std::string describe(httplib::Error error) {
  switch (error) {
    case httplib::Error::Connection:
      return "connection refused or host unreachable";
    case httplib::Error::ConnectionTimeout:
      return "connection timed out";
    case httplib::Error::Read:
      return "no complete answer in time (read failed or timed out)";
    case httplib::Error::Write:
      return "sending the request failed";
    case httplib::Error::SSLConnection:
      return "TLS handshake failed (is the hub serving https? a plain-HTTP hub needs http://)";
    case httplib::Error::SSLServerVerification:
      return "the hub's certificate is not trusted, or not issued for this host name "
             "(--ca-file, HUBCTL_CA, or --data-dir with the hub's pki/ca.pem)";
    default:
      return httplib::to_string(error);
  }
}

}  // namespace

HttplibTransport::HttplibTransport(std::string base_url, std::string ca_file)
    : base_url_(std::move(base_url)), ca_file_(std::move(ca_file)) {}

TransportResult HttplibTransport::send(const HttpRequest& request) {
  httplib::Client client(base_url_);
  if (!client.is_valid()) return TransportFailure{"not a usable URL"};
  // https: the chain must lead to the CA and the certificate must name the
  // URL's host (httplib checks both when verification is on).
  client.enable_server_certificate_verification(true);
  if (!ca_file_.empty()) client.set_ca_cert_path(ca_file_.c_str());
  client.set_connection_timeout(request.timeout);
  client.set_read_timeout(request.timeout);
  client.set_write_timeout(request.timeout);
  httplib::Headers headers;
  for (const auto& [name, value] : request.headers) headers.emplace(name, value);

  auto to_transport_result = [](const httplib::Result& result) -> TransportResult {
    if (!result) return TransportFailure{describe(result.error())};
    return HttpResponse{result->status, result->body};
  };
  if (request.method == "GET") return to_transport_result(client.Get(request.path, headers));
  if (request.method == "DELETE") return to_transport_result(client.Delete(request.path, headers));
  if (request.method == "POST") {
    return to_transport_result(
        client.Post(request.path, headers, request.json_body.value_or("{}"), "application/json"));
  }
  if (request.method == "PATCH") {
    return to_transport_result(
        client.Patch(request.path, headers, request.json_body.value_or("{}"), "application/json"));
  }
  return TransportFailure{"unsupported method " + request.method};
}

}  // namespace edgehub::hubctl
