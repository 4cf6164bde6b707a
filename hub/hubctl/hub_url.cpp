#include "hubctl/hub_url.h"

namespace edgehub::hubctl {

Result<HubUrl> parse_hub_url(std::string_view url) {
  auto refuse = [&](const std::string& why) {
    return make_error(ErrorCode::invalid_argument, "--hub '" + std::string(url) + "': " + why +
                                                       " (expected https://host:port, e.g. " +
                                                       kDefaultHubUrl + ")");
  };
  const bool https = url.substr(0, 8) == "https://";
  const std::string_view kScheme = https ? "https://" : "http://";
  if (url.substr(0, kScheme.size()) != kScheme) return refuse("not an https:// or http:// URL");
  std::string_view authority = url.substr(kScheme.size());
  while (!authority.empty() && authority.back() == '/') authority.remove_suffix(1);
  if (authority.empty()) return refuse("no host");
  if (authority.find_first_of("/?#@ ") != std::string_view::npos) {
    return refuse("only a host and a port may follow " + std::string(kScheme));
  }
  std::string host(authority);
  if (host.front() == '[') {
    host = host.substr(1, host.find(']') == std::string::npos ? 0 : host.find(']') - 1);
  } else if (const std::size_t colon = host.rfind(':'); colon != std::string::npos) {
    host = host.substr(0, colon);
  }
  if (host.empty()) return refuse("no host");
  return HubUrl{std::string(kScheme) + std::string(authority), host, https};
}

}  // namespace edgehub::hubctl
