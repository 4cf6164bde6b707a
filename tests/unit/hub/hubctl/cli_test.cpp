// hubctl as a user runs it, against a fake hub (no network).
#include "hubctl/cli.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "edgehub/test/temp_directory.h"
#include "fake_hub.h"
#include "fake_transport.h"

using namespace edgehub::hubctl;
using edgehub::test::TempDirectory;
using testing::FakeHub;
using testing::FakeTransport;
using testing::Run;

namespace {

const char* kPong =
    R"({"id": "c-1", "device": "boiler-1", "name": "ping", "status": 200,
        "payload": {"pong": true, "uptime_ms": 5}, "latency_ms": 3})";

}  // namespace

TEST_CASE("send prints the device's answer and exits 0 for a 2xx status") {
  FakeHub hub;
  hub.transport.answer(200, kPong);
  const Run run = hub.run(
      {"--token", "t", "send", "boiler-1", "ping", "--payload", R"({"a": 1})", "--timeout", "3"});
  CHECK(run.exit_code == 0);
  CHECK(run.out.find("boiler-1 answered ping with status 200 in 3 ms") == 0);
  CHECK(run.out.find("\"pong\": true") != std::string::npos);
  const HttpRequest& request = hub.transport.requests.at(0);
  CHECK(nlohmann::json::parse(*request.json_body) ==
        nlohmann::json{{"name", "ping"}, {"payload", {{"a", 1}}}, {"timeout_ms", 3000}});
  CHECK(request.timeout > std::chrono::seconds(3));
}

TEST_CASE("send exits 1 when the device answers with a non-2xx status") {
  FakeHub hub;
  hub.transport.answer(200, R"({"device": "boiler-1", "name": "reboot", "status": 404,
                                "payload": {"error": "unknown command"}})");
  const Run run = hub.run({"--token", "t", "send", "boiler-1", "reboot"});
  CHECK(run.exit_code == 1);
  CHECK(run.out.find("with status 404") != std::string::npos);
  CHECK(nlohmann::json::parse(*hub.transport.requests.at(0).json_body)["payload"].is_null());
}

TEST_CASE("send with invalid payload JSON exits 2 without contacting the hub") {
  FakeHub hub;
  const Run run = hub.run({"--token", "t", "send", "boiler-1", "ping", "--payload", "{oops"});
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("--payload is not valid JSON") != std::string::npos);
  CHECK(hub.transport.requests.empty());
}

TEST_CASE("send to an unregistered device exits 3 and says so") {
  FakeHub hub;
  hub.transport.answer(404, R"({"error": {"code": "not_found", "message": "no such device"}})");
  const Run run = hub.run({"--token", "t", "send", "ghost", "ping"});
  CHECK(run.exit_code == 3);
  CHECK(run.err == "hubctl: device 'ghost' is not registered\n");
}

TEST_CASE("send exits 4 when the device does not answer in time") {
  FakeHub hub;
  hub.transport.answer(504, R"({"error": {"code": "timeout", "message": "no answer in 2000 ms"}})");
  const Run run = hub.run({"--token", "t", "send", "boiler-1", "ping", "--timeout", "2"});
  CHECK(run.exit_code == 4);
  CHECK(run.err == "hubctl: no answer in 2000 ms\n");
  hub.transport.answer(504, "");
  const Run bare = hub.run({"--token", "t", "send", "boiler-1", "ping", "--timeout", "2"});
  CHECK(bare.exit_code == 4);
  CHECK(bare.err == "hubctl: device 'boiler-1' did not answer within 2000 ms\n");
}

TEST_CASE("an unreachable hub exits 5 and names the URL") {
  FakeHub hub;
  const Run run = hub.run({"--hub", "http://127.0.0.1:9", "--token", "t", "devices", "list"});
  CHECK(run.exit_code == 5);
  CHECK(run.err.find("cannot reach the hub at http://127.0.0.1:9") != std::string::npos);
}

TEST_CASE("other API errors print the API's message and exit 5") {
  FakeHub hub;
  hub.transport.answer(503, R"({"error": {"code": "unavailable", "message": "broker down"}})");
  const Run run = hub.run({"--token", "t", "send", "boiler-1", "ping"});
  CHECK(run.exit_code == 5);
  CHECK(run.err == "hubctl: broker down\n");
}

TEST_CASE("a conflict (409) exits 6, not 5: a stale twin version, a reused command id") {
  FakeHub hub;
  hub.transport.answer(
      409, R"({"error": {"code": "conflict", "message": "stale update refused: version 3"}})");
  const Run stale =
      hub.run({"--token", "t", "twin", "set", "boiler-1", "--desired", "{}", "--version", "2"});
  CHECK(stale.exit_code == 6);
  CHECK(stale.err == "hubctl: stale update refused: version 3\n");
  hub.transport.answer(409, R"({"error": {"code": "conflict", "message": "id used"}})");
  const Run reused = hub.run({"--token", "t", "send", "boiler-1", "ping", "--id", "op-1"});
  CHECK(reused.exit_code == 6);
  CHECK(reused.err == "hubctl: id used\n");
}

TEST_CASE("--json prints the API's JSON and global options may follow the command") {
  FakeHub hub;
  hub.transport.answer(200, kPong);
  const Run run = hub.run({"send", "boiler-1", "ping", "--json", "--token", "t"});
  CHECK(run.exit_code == 0);
  CHECK(nlohmann::json::parse(run.out) == nlohmann::json::parse(kPong));
}

TEST_CASE("the hub URL comes from --hub, else HUBCTL_URL, else the default") {
  FakeHub hub;
  hub.transport.answer(200, R"({"devices": []})");
  hub.transport.answer(200, R"({"devices": []})");
  hub.transport.answer(200, R"({"devices": []})");
  (void)hub.run({"--token", "t", "devices", "list"});
  CHECK(hub.used_base_url == "https://127.0.0.1:8080");
  hub.variables["HUBCTL_URL"] = "http://10.0.0.1:81";
  (void)hub.run({"--token", "t", "devices", "list"});
  CHECK(hub.used_base_url == "http://10.0.0.1:81");
  (void)hub.run({"--hub", "http://localhost:82", "--token", "t", "devices", "list"});
  CHECK(hub.used_base_url == "http://localhost:82");
}

TEST_CASE("the CA for https comes from --ca-file, else HUBCTL_CA, else the data dir's pki/ca.pem") {
  FakeHub hub;
  for (int i = 0; i < 4; ++i) hub.transport.answer(200, R"({"devices": []})");
  (void)hub.run({"--ca-file", "/x/ca.pem", "--token", "t", "devices", "list"});
  CHECK(hub.used_ca_file == "/x/ca.pem");
  hub.variables["HUBCTL_CA"] = "/y/ca.pem";
  (void)hub.run({"--token", "t", "devices", "list"});
  CHECK(hub.used_ca_file == "/y/ca.pem");
  hub.variables.erase("HUBCTL_CA");
  const auto dir =
      std::filesystem::temp_directory_path() / ("hubctl-ca-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "pki");
  { std::ofstream(dir / "pki" / "ca.pem") << "PEM"; }
  { std::ofstream(dir / "api-token") << "t"; }
  (void)hub.run({"--data-dir", dir.string(), "devices", "list"});
  CHECK(hub.used_ca_file == (dir / "pki" / "ca.pem").string());
  // Plain http (a hub with --http-plain) needs no CA.
  (void)hub.run({"--hub", "http://127.0.0.1:1", "--data-dir", dir.string(), "devices", "list"});
  CHECK(hub.used_ca_file.empty());
  std::filesystem::remove_all(dir);
}

TEST_CASE("the token is read from --data-dir and sent as a bearer token") {
  TempDirectory directory;
  std::ofstream(directory.path() / "api-token") << "from-file\n";
  FakeHub hub;
  hub.transport.answer(200, R"({"streams": []})");
  const Run run = hub.run({"--data-dir", directory.path().string(), "streams", "list"});
  CHECK(run.exit_code == 0);
  const auto& headers = hub.transport.requests.at(0).headers;
  CHECK(std::find(headers.begin(), headers.end(),
                  std::pair<std::string, std::string>{"Authorization", "Bearer from-file"}) !=
        headers.end());
}

TEST_CASE("usage errors exit 2; --help exits 0 and lists the exit codes") {
  FakeHub hub;
  CHECK(hub.run({}).exit_code == 2);
  CHECK(hub.run({"--token", "t", "frobnicate"}).exit_code == 2);
  CHECK(hub.run({"--token", "t", "send", "boiler-1"}).exit_code == 2);
  CHECK(hub.run({"--token", "t", "--data-dir", "x", "devices", "list"}).exit_code == 2);
  CHECK(hub.run({"--token", "t", "send", "bad/id", "ping"}).exit_code == 2);
  CHECK(hub.run({"--token", "t", "streams", "read", "telemetry", "--limit", "0"}).exit_code == 2);
  CHECK(hub.transport.requests.empty());
  const Run help = hub.run({"--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("Exit codes:") != std::string::npos);
  const Run version = hub.run({"--version"});
  CHECK(version.exit_code == 0);
  CHECK(version.out.rfind("hubctl ", 0) == 0);
  CHECK(hub.transport.requests.empty());
}

TEST_CASE("devices add writes certificate, key (0600) and CA, and prints a mosquitto_pub example") {
  TempDirectory directory;
  const std::string out = (directory.path() / "certs").string();
  FakeHub hub;
  hub.transport.answer(201, R"({"device": {"id": "boiler-1", "role": "device",
      "status": "enabled", "certificate_sha256": "abcd", "created_at_ms": 1, "attributes": {}},
      "certificate_pem": "CERT", "private_key_pem": "KEY", "ca_certificate_pem": "CA"})");
  const Run run = hub.run(
      {"--token", "t", "devices", "add", "boiler-1", "--out", out, "--attr", "room=cellar"});
  CHECK(run.exit_code == 0);
  CHECK(nlohmann::json::parse(*hub.transport.requests.at(0).json_body) ==
        nlohmann::json{{"id", "boiler-1"}, {"attributes", {{"room", "cellar"}}}});
  struct stat key {};
  REQUIRE(::stat((out + "/boiler-1.key").c_str(), &key) == 0);
  CHECK((key.st_mode & 0777) == 0600);
  CHECK(std::filesystem::exists(out + "/boiler-1.pem"));
  CHECK(std::filesystem::exists(out + "/ca.pem"));
  CHECK(run.out.find("mosquitto_pub -h 127.0.0.1 -p 8883 --cafile " + out + "/ca.pem --cert " +
                     out + "/boiler-1.pem --key " + out + "/boiler-1.key -i boiler-1") !=
        std::string::npos);
  CHECK(run.out.find("KEY") == std::string::npos);
}

TEST_CASE("devices add --json leaves the private key out of the output") {
  TempDirectory directory;
  FakeHub hub;
  hub.transport.answer(201, R"({"device": {"id": "boiler-1"}, "certificate_pem": "CERT",
      "private_key_pem": "SECRET", "ca_certificate_pem": "CA"})");
  const Run run = hub.run(
      {"--token", "t", "--json", "devices", "add", "boiler-1", "--out", directory.path().string()});
  CHECK(run.exit_code == 0);
  const auto printed = nlohmann::json::parse(run.out);
  CHECK_FALSE(printed.contains("private_key_pem"));
  CHECK(printed["private_key_file"] == (directory.path() / "boiler-1.key").string());
  CHECK(printed["certificate_pem"] == "CERT");
}

TEST_CASE("devices remove of an unknown device exits 3") {
  FakeHub hub;
  hub.transport.answer(204, "");
  hub.transport.answer(404, R"({"error": {"code": "not_found", "message": "x"}})");
  const Run removed = hub.run({"--token", "t", "devices", "remove", "boiler-1"});
  CHECK(removed.exit_code == 0);
  CHECK(removed.out == "removed device 'boiler-1'\n");
  CHECK(hub.transport.requests.at(0).method == "DELETE");
  CHECK(hub.transport.requests.at(0).path == "/api/v1/devices/boiler-1");
  const Run missing = hub.run({"--token", "t", "devices", "remove", "ghost"});
  CHECK(missing.exit_code == 3);
  CHECK(missing.err == "hubctl: device 'ghost' is not registered\n");
}

TEST_CASE("streams read prints one line per record and the next offset on stderr") {
  FakeHub hub;
  hub.transport.answer(200, R"({"stream": "telemetry", "next_offset": 2, "records": [
      {"offset": 0, "received_at_ms": 0, "device": "a", "seq": 1, "payload": 1},
      {"offset": 1, "received_at_ms": 0, "device": "b", "seq": 7, "payload": {"t": 2}}]})");
  const Run run =
      hub.run({"--token", "t", "streams", "read", "telemetry", "--from", "0", "--limit", "2"});
  CHECK(run.exit_code == 0);
  CHECK(run.out ==
        "0  1970-01-01T00:00:00.000Z  a  seq=1  1\n"
        "1  1970-01-01T00:00:00.000Z  b  seq=7  {\"t\":2}\n");
  CHECK(run.err.find("next offset: 2") != std::string::npos);
  CHECK(hub.transport.requests.at(0).path == "/api/v1/streams/telemetry/records?from=0&limit=2");
}
