#include "hubctl/device_hub_address.h"

#include <algorithm>
#include <charconv>

#include "hubctl/device_files.h"

namespace edgehub::hubctl {
namespace {

Error invalid(std::string_view text, const std::string& why) {
  return make_error(ErrorCode::invalid_argument,
                    "--hub-address '" + std::string(text) + "': " + why +
                        " (expected HOST or HOST:PORT, e.g. hub.example.lan:8883)");
}

bool valid_host_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == ':' || c == '_';
}

}  // namespace

Result<DeviceHubAddress> parse_device_hub_address(std::string_view text) {
  DeviceHubAddress address;
  std::string_view host = text;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return invalid(text, "no ']' after the IPv6 address");
    host = text.substr(1, close - 1);
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return invalid(text, "expected ':PORT' after ']'");
      port = rest.substr(1);
    }
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    const auto colon = text.find(':');
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }  // else a name, an IPv4 address or a bare IPv6 address (several ':')
  if (host.empty()) return invalid(text, "no host");
  if (!std::all_of(host.begin(), host.end(), valid_host_character)) {
    return invalid(text, "a host name or address has only letters, digits, '.', '-' and ':'");
  }
  address.host = std::string(host);
  if (!port.empty() || (text.size() > host.size() && text.back() == ':')) {
    int value = 0;
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (error != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535) {
      return invalid(text, "the port must be 1-65535");
    }
    address.port = value;
  }
  return address;
}

Result<std::optional<DeviceHubAddress>> optional_device_hub_address(
    const std::optional<std::string>& option) {
  if (!option) return std::optional<DeviceHubAddress>();
  auto parsed = parse_device_hub_address(*option);
  if (!parsed) return parsed.error();
  return std::optional<DeviceHubAddress>(std::move(*parsed));
}

std::string hub_conf_text(const DeviceHubAddress& address) {
  return "# The hub this device connects to (hubctl --hub-address): a name or address\n"
         "# in the hub's server certificate (hubd --server-name), and its MQTT port.\n"
         "host = " +
         address.host + "\nport = " + std::to_string(address.port) + "\n";
}

std::filesystem::path hub_conf_file(const std::filesystem::path& directory) {
  return directory / "hub.conf";
}

Status write_hub_conf(const std::filesystem::path& directory, const DeviceHubAddress& address) {
  return write_public_file(hub_conf_file(directory), hub_conf_text(address));
}

}  // namespace edgehub::hubctl
