#include "broker/pid_file.h"

#include <doctest/doctest.h>

#include <fstream>

#include "edgehub/test/temp_directory.h"

using namespace edgehub::hub;

TEST_CASE("a written pid file reads back the pid") {
  edgehub::test::TempDirectory directory;
  const auto file = directory.path() / "mosquitto.pid";
  write_pid_file(file, 4242);
  CHECK(read_pid_file(file) == 4242);
  write_pid_file(file, 77);
  CHECK(read_pid_file(file) == 77);
  CHECK_FALSE(std::filesystem::exists(directory.path() / "mosquitto.pid.tmp"));
}

TEST_CASE("a missing, empty or garbled pid file names no process") {
  edgehub::test::TempDirectory directory;
  const auto file = directory.path() / "mosquitto.pid";
  CHECK_FALSE(read_pid_file(file).has_value());
  std::ofstream(file) << "";
  CHECK_FALSE(read_pid_file(file).has_value());
  std::ofstream(file) << "not a pid\n";
  CHECK_FALSE(read_pid_file(file).has_value());
  std::ofstream(file) << "-5\n";
  CHECK_FALSE(read_pid_file(file).has_value());
  std::ofstream(file) << "0\n";
  CHECK_FALSE(read_pid_file(file).has_value());
}

TEST_CASE("removing the pid file is harmless when it is gone already") {
  edgehub::test::TempDirectory directory;
  const auto file = directory.path() / "mosquitto.pid";
  write_pid_file(file, 10);
  remove_pid_file(file);
  CHECK_FALSE(std::filesystem::exists(file));
  remove_pid_file(file);
  CHECK_FALSE(std::filesystem::exists(file));
}
