#include "hubctl/device_files.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "edgehub/test/temp_directory.h"

using namespace edgehub::hubctl;
using edgehub::test::TempDirectory;
namespace fs = std::filesystem;

namespace {
std::string content_of(const fs::path& path) {
  std::ifstream stream(path);
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}
unsigned mode_of(const fs::path& path) {
  struct stat status {};
  REQUIRE(::stat(path.c_str(), &status) == 0);
  return status.st_mode & 0777;
}
}  // namespace

TEST_CASE("device files are named after the device in the chosen directory") {
  const DeviceFiles files = device_files_in("out", "boiler-1");
  CHECK(files.certificate == fs::path("out/boiler-1.pem"));
  CHECK(files.private_key == fs::path("out/boiler-1.key"));
  CHECK(files.ca_certificate == fs::path("out/ca.pem"));
}

TEST_CASE("the private key is written with mode 0600, certificates readable") {
  TempDirectory directory;
  const fs::path out = directory.path() / "nested" / "devices";
  REQUIRE(prepare_device_directory(out).ok());
  const DeviceFiles files = device_files_in(out, "boiler-1");
  REQUIRE(write_device_files(files, "CERT", "KEY", "CA").ok());
  CHECK(content_of(files.certificate) == "CERT");
  CHECK(content_of(files.private_key) == "KEY");
  CHECK(content_of(files.ca_certificate) == "CA");
  CHECK(mode_of(files.private_key) == 0600);
  CHECK(mode_of(files.certificate) == 0644);
}

TEST_CASE("an existing, world-readable key file is replaced and made 0600") {
  TempDirectory directory;
  const DeviceFiles files = device_files_in(directory.path(), "boiler-1");
  std::ofstream(files.private_key) << "OLD KEY THAT IS LONGER";
  ::chmod(files.private_key.c_str(), 0644);
  REQUIRE(write_device_files(files, "CERT", "NEW", "CA").ok());
  CHECK(content_of(files.private_key) == "NEW");
  CHECK(mode_of(files.private_key) == 0600);
}

TEST_CASE("an output path that is a file is refused before anything is registered") {
  TempDirectory directory;
  const fs::path file = directory.path() / "taken";
  std::ofstream(file) << "x";
  const auto prepared = prepare_device_directory(file);
  REQUIRE_FALSE(prepared.ok());
  CHECK(prepared.error().message.find(file.string()) != std::string::npos);
}
