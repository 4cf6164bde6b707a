// edgehub-linux-device's command line (usage in device_options.cpp).
#pragma once

#include <cstdint>
#include <string>

namespace edgehub::example {

struct DeviceOptions {
  std::string folder;       // --device-folder
  std::string certificate;  // --certificate: a file name in folder
  std::string host;         // --host: else hub.conf
  std::uint16_t port = 0;   // --port: 0 = from hub.conf, else 8883
  std::uint32_t interval_ms = 10'000;
  std::string make_csr_for;  // --make-csr ID
  bool verbose = false;
};

// Prints the usage and exits 0 for --help, prints the version for
// --version; exits 2 with the reason for a bad or missing option.
DeviceOptions parse_options(int argc, char** argv);

}  // namespace edgehub::example
