// HttpTransport over cpp-httplib (plain HTTP: hubd serves its API on loopback).
#pragma once

#include <string>

#include "hubctl/http_transport.h"

namespace edgehub::hubctl {

class HttplibTransport final : public HttpTransport {
 public:
  // base_url: "http://host:port" (validated by hub_url.h beforehand).
  explicit HttplibTransport(std::string base_url);
  TransportResult send(const HttpRequest& request) override;

 private:
  std::string base_url_;
};

}  // namespace edgehub::hubctl
