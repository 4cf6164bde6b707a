// Where the programs the integration tests drive are, as configured by CMake.
#pragma once

#include <filesystem>

namespace edgehub::itest {

struct Programs {
  static std::filesystem::path hubd();
  static std::filesystem::path hubctl();
  static std::filesystem::path firmware_sim();
  static std::filesystem::path mosquitto();
  static std::filesystem::path mosquitto_pub();
  static std::filesystem::path mosquitto_sub();
  static std::filesystem::path openssl();
  static std::filesystem::path make_test_ca_script();
  // Empty if stdbuf is not installed (then subscribers' output arrives late).
  static std::filesystem::path stdbuf_or_empty();
};

}  // namespace edgehub::itest
