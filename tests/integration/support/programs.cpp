#include "support/programs.h"

#include <unistd.h>

#include <stdexcept>
#include <string>

namespace edgehub::itest {
namespace {

// Every program a test needs must exist: a missing one is a broken build,
// reported by name rather than as a confusing spawn failure later.
std::filesystem::path required(const char* configured_path, const char* name,
                               int access_mode = X_OK) {
  const std::filesystem::path path(configured_path);
  if (path.empty()) {
    throw std::runtime_error(std::string(name) +
                             " is not part of this build (CMake target or program not found)");
  }
  if (::access(path.c_str(), access_mode) != 0) {
    throw std::runtime_error(std::string(name) +
                             " is not built or not accessible: " + path.string());
  }
  return path;
}

}  // namespace

std::filesystem::path Programs::hubd() { return required(EDGEHUB_ITEST_HUBD, "hubd"); }
std::filesystem::path Programs::hubctl() { return required(EDGEHUB_ITEST_HUBCTL, "hubctl"); }
std::filesystem::path Programs::firmware_sim() {
  return required(EDGEHUB_ITEST_FIRMWARE_SIM, "firmware-sim");
}
std::filesystem::path Programs::mosquitto() {
  return required(EDGEHUB_ITEST_MOSQUITTO, "mosquitto");
}
std::filesystem::path Programs::mosquitto_pub() {
  return required(EDGEHUB_ITEST_MOSQUITTO_PUB, "mosquitto_pub");
}
std::filesystem::path Programs::mosquitto_sub() {
  return required(EDGEHUB_ITEST_MOSQUITTO_SUB, "mosquitto_sub");
}
std::filesystem::path Programs::openssl() { return required(EDGEHUB_ITEST_OPENSSL, "openssl"); }
std::filesystem::path Programs::make_test_ca_script() {
  return required(EDGEHUB_ITEST_MAKE_TEST_CA, "certs/make-test-ca.sh", R_OK);  // run with /bin/sh
}

std::filesystem::path Programs::stdbuf_or_empty() {
  return std::filesystem::path(EDGEHUB_ITEST_STDBUF);
}

}  // namespace edgehub::itest
