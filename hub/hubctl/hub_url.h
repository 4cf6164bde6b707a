// The --hub URL: https://host[:port] (hubd's default), or http://host[:port]
// for a hub started with --http-plain (loopback only).
#pragma once

#include <string>
#include <string_view>

#include "edgehub/common/result.h"

namespace edgehub::hubctl {

inline constexpr const char* kDefaultHubUrl = "https://127.0.0.1:8080";

struct HubUrl {
  std::string base;  // "https://host:port" without a trailing slash
  std::string host;  // for the mosquitto_pub example of `devices add`
  bool https = true;
};

// invalid_argument for another scheme, a path, or no host.
Result<HubUrl> parse_hub_url(std::string_view url);

}  // namespace edgehub::hubctl
