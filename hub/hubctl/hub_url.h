// The --hub URL: http://host[:port] only (hubd serves plain HTTP on loopback).
#pragma once

#include <string>
#include <string_view>

#include "edgehub/common/result.h"

namespace edgehub::hubctl {

inline constexpr const char* kDefaultHubUrl = "http://127.0.0.1:8080";

struct HubUrl {
  std::string base;  // "http://host:port" without a trailing slash
  std::string host;  // for the mosquitto_pub example of `devices add`
};

// invalid_argument for another scheme, a path, or no host.
Result<HubUrl> parse_hub_url(std::string_view url);

}  // namespace edgehub::hubctl
