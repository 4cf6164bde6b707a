#include "hubctl/device_hub_address.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "edgehub/test/temp_directory.h"
#include "fake_hub.h"
#include "fake_transport.h"

using namespace edgehub::hubctl;
using edgehub::test::TempDirectory;
using testing::FakeHub;
using testing::Run;

namespace {

std::string content_of(const std::filesystem::path& path) {
  std::ifstream stream(path);
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

DeviceHubAddress parsed(std::string_view text) {
  auto address = parse_device_hub_address(text);
  REQUIRE_MESSAGE(address.ok(), text);
  return *address;
}

const char* kAddedDevice = R"({"device": {"id": "boiler-1", "certificate_sha256": "abcd"},
    "certificate_pem": "CERT", "private_key_pem": "KEY", "ca_certificate_pem": "CA"})";

}  // namespace

TEST_CASE("parse_device_hub_address_host_only_port_defaults_to_8883") {
  CHECK(parsed("hub.example.lan").host == "hub.example.lan");
  CHECK(parsed("hub.example.lan").port == 8883);
  CHECK(parsed("192.168.1.10").host == "192.168.1.10");
  CHECK(parsed("fd00::10").host == "fd00::10");  // a bare IPv6 address: no port in it
  CHECK(parsed("fd00::10").port == 8883);
  CHECK(parsed("[fd00::10]").host == "fd00::10");
}

TEST_CASE("parse_device_hub_address_with_port") {
  CHECK(parsed("hub.example.lan:1883").port == 1883);
  CHECK(parsed("192.168.1.10:65535").port == 65535);
  const DeviceHubAddress bracketed = parsed("[fd00::10]:8884");
  CHECK(bracketed.host == "fd00::10");
  CHECK(bracketed.port == 8884);
}

TEST_CASE("parse_device_hub_address_refuses_bad_ports_and_hosts") {
  for (const char* bad : {"", ":8883", "hub:", "hub:0", "hub:65536", "hub:88a3", "[fd00::1",
                          "[fd00::1]8883", "[fd00::1]:", "hub name", "hub/x:8883", "[]:8883"}) {
    INFO(bad);
    const auto address = parse_device_hub_address(bad);
    REQUIRE_FALSE(address.ok());
    CHECK(address.error().code == edgehub::ErrorCode::invalid_argument);
    CHECK(address.error().message.find("--hub-address") != std::string::npos);
  }
}

TEST_CASE("hub_conf_text_holds_host_and_port_lines") {
  const std::string text = hub_conf_text(DeviceHubAddress{"hub.example.lan", 8884});
  CHECK(text.find("\nhost = hub.example.lan\n") != std::string::npos);
  CHECK(text.find("\nport = 8884\n") != std::string::npos);
}

TEST_CASE("devices add --hub-address writes hub.conf and uses it in the printed example") {
  TempDirectory directory;
  const std::string out = (directory.path() / "boiler-1").string();
  FakeHub hub;
  hub.transport.answer(201, kAddedDevice);
  const Run run = hub.run({"--token", "t", "devices", "add", "boiler-1", "--out", out,
                           "--hub-address", "hub.example.lan:8884"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(content_of(out + "/hub.conf") == hub_conf_text(DeviceHubAddress{"hub.example.lan", 8884}));
  CHECK(run.out.find("hub address  " + out + "/hub.conf") != std::string::npos);
  CHECK(run.out.find("mosquitto_pub -h hub.example.lan -p 8884 ") != std::string::npos);
}

TEST_CASE("devices add with a bad --hub-address registers nothing") {
  TempDirectory directory;
  FakeHub hub;
  const Run run = hub.run({"--token", "t", "devices", "add", "boiler-1", "--out",
                           directory.path().string(), "--hub-address", "hub:99999"});
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("the port must be 1-65535") != std::string::npos);
  CHECK(hub.transport.requests.empty());
  CHECK_FALSE(std::filesystem::exists(directory.path() / "hub.conf"));
}

TEST_CASE("devices enroll --hub-address writes hub.conf beside the certificate") {
  TempDirectory directory;
  const auto request = directory.path() / "boiler-7.csr";
  std::ofstream(request) << "CSR TEXT";
  FakeHub hub;
  hub.transport.answer(201, R"({"device": {"id": "boiler-7", "certificate_sha256": "abcd"},
      "certificate_pem": "CERT", "ca_certificate_pem": "CA"})");
  const auto out = directory.path() / "out";
  const Run run = hub.run({"--token", "t", "--json", "devices", "enroll", "boiler-7", "--csr",
                           request.string(), "--out", out.string(), "--hub-address", "[fd00::10]"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(content_of(out / "hub.conf") == hub_conf_text(DeviceHubAddress{"fd00::10", 8883}));
  CHECK(nlohmann::json::parse(run.out)["hub_conf_file"] == (out / "hub.conf").string());
}
