// HttpTransport over cpp-httplib: HTTPS, verifying the hub's certificate
// (chain to the given CA, and the host name of the URL), or plain HTTP for a
// hub started with --http-plain.
#pragma once

#include <string>

#include "hubctl/http_transport.h"

namespace edgehub::hubctl {

class HttplibTransport final : public HttpTransport {
 public:
  // base_url: "https://host:port" or "http://host:port" (validated by
  // hub_url.h beforehand); ca_file: the CA to trust, "" for the system's.
  HttplibTransport(std::string base_url, std::string ca_file);
  TransportResult send(const HttpRequest& request) override;

 private:
  std::string base_url_;
  std::string ca_file_;
};

}  // namespace edgehub::hubctl
