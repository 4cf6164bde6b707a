// The files a device connects with.
#pragma once

#include <filesystem>
#include <string>

namespace edgehub::itest {

struct DeviceCredentials {
  std::string id;                     // the device id: certificate CN and MQTT client id
  std::filesystem::path certificate;  // <dir>/<id>.pem
  std::filesystem::path private_key;  // <dir>/<id>.key
  std::filesystem::path ca;           // the CA that verifies the hub's server certificate
};

}  // namespace edgehub::itest
