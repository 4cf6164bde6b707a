// hubctl devices enroll | disable | enable | certificates, and hubctl cas,
// against a fake hub: the requests they send, the files they write, what
// they print and their exit codes.
#include "hubctl/identity_cli.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "edgehub/test/temp_directory.h"
#include "fake_hub.h"

using namespace edgehub::hubctl;
using edgehub::test::TempDirectory;
using nlohmann::json;
using testing::FakeHub;
using testing::Run;

namespace {

std::string read(const std::filesystem::path& file) {
  std::ifstream stream(file);
  return std::string((std::istreambuf_iterator<char>(stream)), std::istreambuf_iterator<char>());
}

const std::string kSha(64, 'a');

}  // namespace

TEST_CASE("devices enroll --csr sends the CSR and writes the certificate and the hub CA") {
  TempDirectory directory;
  const auto request = directory.path() / "boiler-1.csr";
  std::ofstream(request) << "CSR TEXT";
  FakeHub hub;
  hub.transport.answer(201, json{{"device", {{"id", "boiler-1"}, {"certificate_sha256", kSha}}},
                                 {"certificate_pem", "CERT"},
                                 {"ca_certificate_pem", "CA"}}
                                .dump());
  const auto out = directory.path() / "out";
  const Run run = hub.run({"--token", "t", "devices", "enroll", "boiler-1", "--csr",
                           request.string(), "--out", out.string(), "--attr", "room=cellar"});
  INFO(run.err);
  CHECK(run.exit_code == 0);
  const HttpRequest& sent = hub.transport.requests.at(0);
  CHECK(sent.method == "POST");
  CHECK(sent.path == "/api/v1/devices");
  CHECK(json::parse(*sent.json_body) ==
        json{{"csr_pem", "CSR TEXT"}, {"id", "boiler-1"}, {"attributes", {{"room", "cellar"}}}});
  CHECK(read(out / "boiler-1.pem") == "CERT");
  CHECK(read(out / "ca.pem") == "CA");
  CHECK_FALSE(std::filesystem::exists(out / "boiler-1.key"));
  CHECK(run.out.find("keeps its own private key") != std::string::npos);
}

TEST_CASE("devices enroll needs --csr or --certificate, not both, and a readable file") {
  FakeHub hub;
  CHECK(hub.run({"--token", "t", "devices", "enroll", "boiler-1"}).exit_code == 2);
  CHECK(
      hub.run({"--token", "t", "devices", "enroll", "boiler-1", "--csr", "a", "--certificate", "b"})
          .exit_code == 2);
  const Run missing =
      hub.run({"--token", "t", "devices", "enroll", "boiler-1", "--csr", "/nonexistent.csr"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("cannot read /nonexistent.csr") != std::string::npos);
  CHECK(hub.transport.requests.empty());
}

TEST_CASE("devices enroll reports the hub's refusal with the usage exit code") {
  TempDirectory directory;
  const auto own = directory.path() / "own.pem";
  std::ofstream(own) << "CERT";
  FakeHub hub;
  hub.transport.answer(400, R"({"error": {"code": "invalid_argument",
                                "message": "certificate for 'boiler-1' refused: untrusted"}})");
  const Run run = hub.run({"--token", "t", "devices", "enroll", "boiler-1", "--certificate",
                           own.string(), "--out", directory.path().string()});
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("refused: untrusted") != std::string::npos);
  CHECK(json::parse(*hub.transport.requests.at(0).json_body)["certificate_pem"] == "CERT");
}

TEST_CASE("devices disable and enable post to the device's endpoints") {
  FakeHub hub;
  hub.transport.answer(200, R"({"id": "boiler-1", "status": "disabled"})");
  hub.transport.answer(200, R"({"id": "boiler-1", "status": "enabled"})");
  hub.transport.answer(404, R"({"error": {"code": "not_found", "message": "no such device"}})");
  const Run disabled = hub.run({"--token", "t", "devices", "disable", "boiler-1"});
  CHECK(disabled.exit_code == 0);
  CHECK(disabled.out == "disabled device 'boiler-1' (disconnected if it was connected)\n");
  CHECK(hub.run({"--token", "t", "devices", "enable", "boiler-1"}).exit_code == 0);
  CHECK(hub.run({"--token", "t", "devices", "disable", "nobody"}).exit_code == 3);
  CHECK(hub.transport.requests.at(0).path == "/api/v1/devices/boiler-1/disable");
  CHECK(hub.transport.requests.at(1).path == "/api/v1/devices/boiler-1/enable");
}

TEST_CASE("devices certificates add writes the new certificate beside the old, named by sha256") {
  TempDirectory directory;
  FakeHub hub;
  hub.transport.answer(201, json{{"device", "boiler-1"},
                                 {"certificate_sha256", "0123456789abcdef" + std::string(48, '0')},
                                 {"certificate_pem", "NEW CERT"},
                                 {"private_key_pem", "NEW KEY"},
                                 {"ca_certificate_pem", "CA"}}
                                .dump());
  const Run run = hub.run({"--token", "t", "devices", "certificates", "add", "boiler-1", "--out",
                           directory.path().string()});
  INFO(run.err);
  CHECK(run.exit_code == 0);
  CHECK(json::parse(*hub.transport.requests.at(0).json_body) == json::object());
  CHECK(read(directory.path() / "boiler-1.0123456789ab.pem") == "NEW CERT");
  const auto key = directory.path() / "boiler-1.0123456789ab.key";
  CHECK(read(key) == "NEW KEY");
  struct stat info {};
  REQUIRE(::stat(key.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
}

TEST_CASE("devices certificates list and end") {
  FakeHub hub;
  hub.transport.answer(200, json{{"device", "boiler-1"},
                                 {"certificates",
                                  {{{"certificate_sha256", kSha},
                                    {"state", "accepted"},
                                    {"not_after_ms", 1'800'000'000'000},
                                    {"ended_at_ms", nullptr}}}}}
                                .dump());
  hub.transport.answer(200, R"({"device": "boiler-1", "certificates": []})");
  const Run listed = hub.run({"--token", "t", "devices", "certificates", "list", "boiler-1"});
  CHECK(listed.exit_code == 0);
  CHECK(listed.out.find(kSha + "  accepted       2027-01-15T08:00:00Z  -") != std::string::npos);
  const Run ended = hub.run({"--token", "t", "devices", "certificates", "end", "boiler-1", kSha});
  CHECK(ended.exit_code == 0);
  CHECK(hub.transport.requests.at(1).path ==
        "/api/v1/devices/boiler-1/certificates/" + kSha + "/end");
}

TEST_CASE("cas add sends the PEM; cas remove in use exits with the conflict's code") {
  TempDirectory directory;
  const auto ca = directory.path() / "ca.pem";
  std::ofstream(ca) << "CA PEM";
  FakeHub hub;
  hub.transport.answer(201, json{{"certificate_sha256", kSha},
                                 {"subject", "CN = Acme"},
                                 {"not_before_ms", 0},
                                 {"not_after_ms", 1'800'000'000'000}}
                                .dump());
  hub.transport.answer(
      409, R"({"error": {"code": "conflict", "message": "1 certificate(s) chain to this CA"}})");
  const Run added = hub.run({"--token", "t", "cas", "add", ca.string()});
  CHECK(added.exit_code == 0);
  CHECK(added.out.find("trusted CA CN = Acme") == 0);
  CHECK(json::parse(*hub.transport.requests.at(0).json_body) ==
        json{{"certificate_pem", "CA PEM"}});
  const Run removed = hub.run({"--token", "t", "cas", "remove", kSha});
  CHECK(removed.exit_code != 0);
  CHECK(hub.transport.requests.at(1).method == "DELETE");
  CHECK(hub.transport.requests.at(1).path == "/api/v1/cas/" + kSha);
}
