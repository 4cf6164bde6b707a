// The address a device connects to, written beside its credentials as
// hub.conf (--hub-address on devices add / enroll): hubctl talks to the REST
// API and cannot know which name devices use for the broker, so the
// operator says it once and the device's folder carries it
// (docs/device-onboarding.md; read by edgehub-linux-device).
//
//   host = hub.example.lan
//   port = 8883
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "edgehub/common/result.h"

namespace edgehub::hubctl {

inline constexpr int kDefaultMqttPort = 8883;

struct DeviceHubAddress {
  std::string host;  // a DNS name or an IP address (IPv6 without brackets)
  int port = kDefaultMqttPort;
};

// "HOST", "HOST:PORT", "[IPv6]:PORT" or a bare IPv6 address; the port
// 1-65535 (default 8883). invalid_argument naming what is wrong.
Result<DeviceHubAddress> parse_device_hub_address(std::string_view text);

// The option as given: nullopt when absent, else parsed (checked before
// anything is registered).
Result<std::optional<DeviceHubAddress>> optional_device_hub_address(
    const std::optional<std::string>& option);

// The hub.conf text for address.
std::string hub_conf_text(const DeviceHubAddress& address);

// <directory>/hub.conf, replaced if it exists (readable by all: no secret).
std::filesystem::path hub_conf_file(const std::filesystem::path& directory);
Status write_hub_conf(const std::filesystem::path& directory, const DeviceHubAddress& address);

}  // namespace edgehub::hubctl
