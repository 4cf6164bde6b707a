// The device identity endpoints (hub/api/identity_handlers.h) and the
// certificate choices of POST /devices, over the in-memory registry.
#include "api/identity_handlers.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "api/rest_handlers.h"
#include "commands/memory_command_store.h"
#include "edgehub/test/temp_directory.h"
#include "mqtt/memory_broker_connection.h"
#include "presence/memory_device_presence.h"
#include "registry/memory_device_registry.h"
#include "streams/memory_stream_store.h"

using namespace edgehub;
using namespace edgehub::hub;
using nlohmann::json;

namespace {

struct Fixture {
  edgehub::test::TempDirectory directory;
  ManualClock clock{1500};  // inside the fake certificates' validity (1000-2000, 1000-5000)
  MemoryDeviceRegistry registry{clock};
  CertificateAuthority hub_ca =
      CertificateAuthority::load_or_create(directory.path() / "hub", "hub CA");
  CertificateAuthority acme_ca =
      CertificateAuthority::load_or_create(directory.path() / "acme", "Acme devices");
  TrustedAuthorities trusted{directory.path() / "trusted", hub_ca.certificate_pem()};
  int signed_requests = 0;
  DeviceEnrollment enrollment{
      registry, EnrollmentAuthority{
                    [](std::string_view name) {
                      return IssuedCertificate{"CERT " + std::string(name), "KEY",
                                               std::string(64, 'b'), 1000, 2000};
                    },
                    [this](std::string_view name, std::string_view request) {
                      if (request == "BAD") throw std::invalid_argument("the CSR is bad");
                      ++signed_requests;
                      const char digit = static_cast<char>('0' + signed_requests);
                      return IssuedCertificate{"SIGNED " + std::string(name), "",
                                               std::string(64, digit), 1000, 5000};
                    },
                    [this](std::string_view certificate, std::string_view) {
                      if (certificate != "OWN") throw std::invalid_argument("not trusted");
                      return DeviceCertificateFacts{
                          "own-1", std::string(64, 'e'), 1000, 9000,
                          CertificateAuthority::fingerprint_of_pem(acme_ca.certificate_pem())};
                    },
                    "CA CERT", std::string(64, 'f')}};
  MemoryStreamStore streams;
  MemoryBrokerConnection broker;
  MemoryCommandStore command_store;
  MemoryDevicePresence presence{/*connected_by_default=*/true};
  CommandDispatcher commands{
      registry, broker, streams, clock, [] { return std::string("c-1"); }, command_store, presence};
  RestHandlers rest{RestDependencies{registry, streams, commands, enrollment, {}, "0"}};
  IdentityHandlers handlers{registry, enrollment, trusted, [this] { return clock.now_ms(); }};

  static json body_of(const ApiResponse& response) { return json::parse(response.body); }
};

void check_error(const ApiResponse& response, int status, const std::string& code) {
  CHECK(response.status == status);
  CHECK(json::parse(response.body)["error"]["code"] == code);
}

}  // namespace

TEST_CASE_FIXTURE(Fixture, "POST /devices with a CSR answers the certificate without a key") {
  const ApiResponse response =
      rest.add_device(json{{"id", "csr-1"}, {"csr_pem", "REQUEST"}}.dump());
  REQUIRE(response.status == 201);
  const json body = body_of(response);
  CHECK(body["certificate_pem"] == "SIGNED csr-1");
  CHECK_FALSE(body.contains("private_key_pem"));
  CHECK(body["ca_certificate_pem"] == "CA CERT");
  const auto certificates = registry.certificates("csr-1");
  REQUIRE(certificates->size() == 1);
  CHECK(certificates->front().issuer_sha256 == std::string(64, 'f'));
  CHECK(certificates->front().not_after_ms == 5000);
}

TEST_CASE_FIXTURE(Fixture, "POST /devices refuses a bad CSR with its reason, and both kinds") {
  const ApiResponse refused = rest.add_device(json{{"id", "csr-1"}, {"csr_pem", "BAD"}}.dump());
  check_error(refused, 400, "invalid_argument");
  CHECK(body_of(refused)["error"]["message"] == "certificate for 'csr-1' refused: the CSR is bad");
  CHECK_FALSE(registry.find("csr-1").ok());
  check_error(rest.add_device(json{{"id", "x"}, {"csr_pem", "A"}, {"certificate_pem", "B"}}.dump()),
              400, "invalid_argument");
  check_error(rest.add_device(json{{"id", "x"}, {"csr_pem", 5}}.dump()), 400, "invalid_argument");
}

TEST_CASE_FIXTURE(Fixture, "POST /devices with the device's own certificate pins it") {
  const ApiResponse response =
      rest.add_device(json{{"id", "own-1"}, {"certificate_pem", "OWN"}}.dump());
  REQUIRE(response.status == 201);
  CHECK(body_of(response)["device"]["certificate_sha256"] == std::string(64, 'e'));
  CHECK_FALSE(body_of(response).contains("private_key_pem"));
  check_error(rest.add_device(json{{"id", "own-2"}, {"certificate_pem", "OTHER"}}.dump()), 400,
              "invalid_argument");
}

TEST_CASE_FIXTURE(Fixture, "disable and enable change the status; disabling revokes") {
  REQUIRE(rest.add_device(json{{"id", "d1"}}.dump()).status == 201);
  const ApiResponse disabled = handlers.set_enabled("d1", false);
  REQUIRE(disabled.status == 200);
  CHECK(body_of(disabled)["status"] == "disabled");
  CHECK(registry.revoked_device_ids() == std::vector<std::string>{"d1"});
  const ApiResponse enabled = handlers.set_enabled("d1", true);
  REQUIRE(enabled.status == 200);
  CHECK(body_of(enabled)["status"] == "enabled");
  CHECK(registry.revoked_device_ids().size() == 1);
  check_error(handlers.set_enabled("nobody", false), 404, "not_found");
  check_error(handlers.set_enabled("hubd", false), 409, "conflict");
}

TEST_CASE_FIXTURE(Fixture, "rotation over REST: add, list with states, end the old one") {
  REQUIRE(rest.add_device(json{{"id", "d1"}}.dump()).status == 201);
  const ApiResponse added = handlers.add_certificate("d1", json{{"csr_pem", "REQUEST"}}.dump());
  REQUIRE(added.status == 201);
  CHECK_FALSE(body_of(added).contains("private_key_pem"));
  const std::string new_sha = body_of(added)["certificate_sha256"];

  clock.advance_ms(3000);  // the hub-made certificate (until 2000) has expired meanwhile
  json listed = body_of(handlers.list_certificates("d1"));
  REQUIRE(listed["certificates"].size() == 2);
  CHECK(listed["certificates"][0]["state"] == "expired");
  CHECK(listed["certificates"][1]["state"] == "accepted");
  CHECK(listed["certificates"][1]["ended_at_ms"].is_null());

  const ApiResponse ended = handlers.end_certificate("d1", std::string(64, 'b'));
  REQUIRE(ended.status == 200);
  CHECK(body_of(ended)["certificates"][0]["state"] == "ended");
  CHECK(body_of(ended)["certificates"][0]["ended_at_ms"] == 4500);
  check_error(handlers.end_certificate("d1", new_sha), 409, "conflict");  // the last one
  check_error(handlers.add_certificate("d1", json{{"csr_pem", "BAD"}}.dump()), 400,
              "invalid_argument");
  check_error(handlers.list_certificates("nobody"), 404, "not_found");
}

TEST_CASE_FIXTURE(Fixture, "a trusted CA is listed with its devices and kept while in use") {
  const ApiResponse added =
      handlers.add_authority(json{{"certificate_pem", acme_ca.certificate_pem()}}.dump());
  REQUIRE(added.status == 201);
  const std::string sha256 = body_of(added)["certificate_sha256"];
  CHECK(
      handlers.add_authority(json{{"certificate_pem", acme_ca.certificate_pem()}}.dump()).status ==
      200);
  check_error(handlers.add_authority(json{{"certificate_pem", "nonsense"}}.dump()), 400,
              "invalid_argument");

  REQUIRE(rest.add_device(json{{"id", "own-1"}, {"certificate_pem", "OWN"}}.dump()).status == 201);
  const json listed = body_of(handlers.list_authorities());
  REQUIRE(listed["cas"].size() == 1);
  CHECK(listed["cas"][0]["device_certificates"] == 1);
  CHECK(listed["cas"][0]["subject"] == "CN = Acme devices");
  check_error(handlers.remove_authority(sha256), 409, "conflict");

  REQUIRE(rest.delete_device("own-1").status == 204);
  CHECK(handlers.remove_authority(sha256).status == 204);
  check_error(handlers.remove_authority(sha256), 404, "not_found");
  check_error(handlers.remove_authority("xyz"), 400, "invalid_argument");
}
