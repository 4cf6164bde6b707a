#include "device_options.h"

#include <cstdio>
#include <cstdlib>

#ifndef EDGEHUB_VERSION
#define EDGEHUB_VERSION "0.0.0"
#endif

namespace edgehub::example {
namespace {

constexpr const char* kUsage =
    "usage: edgehub-linux-device --device-folder DIR [--certificate FILE] [--host HOST]\n"
    "                            [--port PORT] [--interval SECONDS] [--verbose]\n"
    "       edgehub-linux-device --device-folder DIR --make-csr DEVICE_ID\n"
    "  DIR holds <id>.pem, <id>.key and ca.pem (hubctl devices add <id> --out DIR) and\n"
    "  optionally hub.conf (host = NAME, port = N; hubctl ... --hub-address HOST:PORT\n"
    "  writes it); --host/--port override it.\n"
    "  --make-csr writes DIR/<id>.key (kept on the device) and DIR/<id>.csr for\n"
    "  `hubctl devices enroll <id> --csr <id>.csr --out DIR`.\n";

[[noreturn]] void usage_error(const std::string& message) {
  std::fprintf(stderr, "edgehub-linux-device: %s\n%s", message.c_str(), kUsage);
  std::exit(2);
}

}  // namespace

DeviceOptions parse_options(int argc, char** argv) {
  DeviceOptions options;
  for (int index = 1; index < argc; ++index) {
    const std::string name = argv[index];
    if (name == "--help" || name == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (name == "--version") {
      std::printf("edgehub-linux-device %s\n", EDGEHUB_VERSION);
      std::exit(0);
    }
    if (name == "--verbose") {
      options.verbose = true;
      continue;
    }
    if (index + 1 >= argc) usage_error(name + " needs a value");
    const std::string value = argv[++index];
    if (name == "--device-folder") {
      options.folder = value;
    } else if (name == "--certificate") {
      options.certificate = value;
    } else if (name == "--host") {
      options.host = value;
    } else if (name == "--port") {
      const long port = std::strtol(value.c_str(), nullptr, 10);
      if (port < 1 || port > 65535) usage_error("--port: 1..65535");
      options.port = static_cast<std::uint16_t>(port);
    } else if (name == "--interval") {
      const double seconds = std::strtod(value.c_str(), nullptr);
      if (!(seconds >= 0.01 && seconds <= 86400)) usage_error("--interval: 0.01..86400 seconds");
      options.interval_ms = static_cast<std::uint32_t>(seconds * 1000);
    } else if (name == "--make-csr") {
      options.make_csr_for = value;
    } else {
      usage_error("unknown option " + name);
    }
  }
  if (options.folder.empty()) usage_error("--device-folder is required");
  return options;
}

}  // namespace edgehub::example
