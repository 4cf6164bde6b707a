// The folder a device gets from the operator (docs/device-onboarding.md):
//   <id>.pem, <id>.key, ca.pem   written by `hubctl devices add <id> --out DIR`
//   <id>.key, <id>.csr           made on the device (--make-csr), then
//   <id>.pem, ca.pem             written by `hubctl devices enroll <id> --csr`
//   hub.conf                     optional: `host = NAME` and `port = N`, the
//                                address the device connects to (hubctl
//                                devices add|enroll --hub-address HOST:PORT)
// A rotated certificate (`hubctl devices certificates add`) is
// <id>.<12 hex>.pem (+ .key when the hub made the key, else the device's
// <id>.key): alone in a new folder, or chosen with --certificate.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "edgehub/device/posix/tls_context.h"

namespace edgehub::example {

struct DeviceIdentity {
  std::string device_id;  // the certificate's CN: the id the hub knows
  device::posix::TlsFiles files;
};

// Finds the certificate, its key and ca.pem in folder. certificate_name
// (a file name in folder) chooses one when the folder holds several;
// without it the folder must hold exactly one .pem besides ca.pem. The
// device id is read from the certificate's subject CN; the key is
// <name>.key beside it, else <id>.key. nullopt with error saying what is
// missing.
std::optional<DeviceIdentity> find_device_identity(const std::string& folder,
                                                   const std::string& certificate_name,
                                                   std::string& error);

struct HubAddress {
  std::string host;
  std::uint16_t port = 8883;
};

// Reads folder/hub.conf if it exists ("host = ..." and "port = ..." lines,
// '#' comments). An absent file gives an empty host; a malformed one
// nullopt with error.
std::optional<HubAddress> read_hub_address(const std::string& folder, std::string& error);

// A warning when the certificate is not valid now (expired, not yet valid:
// the broker refuses it; a device without a set clock shows this too), or "".
std::string validity_warning(const std::string& certificate_file);

}  // namespace edgehub::example
