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
    default:
      return httplib::to_string(error);
  }
}

}  // namespace

HttplibTransport::HttplibTransport(std::string base_url) : base_url_(std::move(base_url)) {}

TransportResult HttplibTransport::send(const HttpRequest& request) {
  httplib::Client client(base_url_);
  if (!client.is_valid()) return TransportFailure{"not a usable URL"};
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
