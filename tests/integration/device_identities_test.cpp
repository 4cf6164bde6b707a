// Device identities beyond a key the hub makes (docs/protocol.md section
// 1.3), against real hubd + mosquitto + TLS: enrolment by CSR (the key made
// on the device side, by firmware-sim --make-csr), a device certificate
// from an operator's own CA, rotation with an overlap, disable / enable,
// and certificates outside their validity period. Every key and
// certificate is made here, with OpenSSL. Each refusal is asserted as the
// device sees it (mosquitto_pub: not authorised / handshake failure) and
// each admission by its record reaching the telemetry stream.
#include <doctest/doctest.h>

#include "support/hub_under_test.h"
#include "support/mqtt_cli.h"
#include "support/openssl_cli.h"
#include "support/programs.h"
#include "support/text.h"
#include "support/wait_until.h"

using namespace edgehub::itest;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

std::string telemetry_topic(const std::string& device) {
  return "devices/" + device + "/telemetry";
}

CommandResult publish(const HubUnderTest& hub, const DeviceCredentials& device, std::uint64_t seq) {
  return mqtt_publish({.port = hub.mqtt_port(), .credentials = device}, telemetry_topic(device.id),
                      telemetry_payload(seq, R"({"t":1})"));
}

bool stored(const HubUnderTest& hub, const std::string& device, std::uint64_t seq) {
  for (const auto& record : hub.read_stream("telemetry")) {
    if (record.value("device", "") == device && record.value("seq", std::uint64_t{0}) == seq) {
      return true;
    }
  }
  return false;
}

// Publishes and waits for the record: the device is admitted.
void check_admitted(const HubUnderTest& hub, const DeviceCredentials& device, std::uint64_t seq) {
  const auto result = publish(hub, device, seq);
  INFO(result.describe());
  REQUIRE(result.exited_with(0));
  CHECK_MESSAGE(wait_until([&] { return stored(hub, device.id, seq); }, 15s, 100ms),
                device.id << " seq " << seq << " never reached the telemetry stream");
}

// A refused CONNECT (CONNACK "not authorised") or handshake, and nothing stored.
void check_refused(const HubUnderTest& hub, const DeviceCredentials& device, std::uint64_t seq) {
  const auto result = publish(hub, device, seq);
  INFO(result.describe());
  CHECK_FALSE(result.exited_with(0));
  CHECK(result.out.find("received PUBACK") == std::string::npos);
  CHECK_FALSE(stored(hub, device.id, seq));
}

bool broker_log_contains(const HubUnderTest& hub, const std::string& text) {
  return read_text_file(hub.broker_log()).find(text) != std::string::npos;
}

// firmware-sim --make-csr: the device side makes its key and CSR.
std::filesystem::path make_key_and_request(const HubUnderTest& hub, const std::string& id,
                                           const std::filesystem::path& dir) {
  const auto made = run_command(
      {Programs::firmware_sim().string(), "--make-csr", "--ids", id, "--cert-dir", dir.string()},
      30s);
  INFO(made.describe());
  REQUIRE(made.exited_with(0));
  REQUIRE(std::filesystem::exists(dir / (id + ".key")));
  (void)hub;
  return dir / (id + ".csr");
}

std::vector<json> certificates_of(const HubUnderTest& hub, const std::string& id) {
  const auto listed = hub.hubctl({"--json", "devices", "certificates", "list", id});
  INFO(listed.describe());
  REQUIRE(listed.exited_with(0));
  return json::parse(listed.out).at("certificates").get<std::vector<json>>();
}

}  // namespace

TEST_CASE("a device enrolled by its CSR connects and publishes; its key never left it") {
  HubUnderTest hub({.name = "identity-csr"});
  const auto dir = hub.work_dir() / "csr-device";
  const auto request = make_key_and_request(hub, "csr-1", dir);
  const std::string key_before = read_text_file(dir / "csr-1.key");

  const auto enrolled = hub.hubctl(
      {"--json", "devices", "enroll", "csr-1", "--csr", request.string(), "--out", dir.string()});
  INFO(enrolled.describe());
  REQUIRE(enrolled.exited_with(0));
  const json answer = json::parse(enrolled.out);
  CHECK_FALSE(answer.contains("private_key_pem"));
  CHECK(read_text_file(dir / "csr-1.key") == key_before);

  const DeviceCredentials device{"csr-1", dir / "csr-1.pem", dir / "csr-1.key", dir / "ca.pem"};
  check_admitted(hub, device, 1);

  // A CSR for another id is refused, with the reason.
  const auto other = make_key_and_request(hub, "csr-2", hub.work_dir() / "other");
  const auto refused = hub.hubctl({"devices", "enroll", "csr-3", "--csr", other.string(), "--out",
                                   (hub.work_dir() / "other").string()});
  INFO(refused.describe());
  CHECK_FALSE(refused.exited_with(0));
  CHECK(refused.err.find("is for CN 'csr-2', not 'csr-3'") != std::string::npos);
}

TEST_CASE(
    "a device certificate from a CA the operator trusts connects; other certificates "
    "with its CN do not") {
  HubUnderTest hub({.name = "identity-own-ca"});
  const auto acme = hub.work_dir() / "acme";
  const auto device = certificate_from_another_ca("byo-1", acme, hub.ca_certificate());

  // Not trusted yet: the certificate cannot be registered.
  const auto early = hub.hubctl({"devices", "enroll", "byo-1", "--certificate",
                                 device.certificate.string(), "--out", acme.string()});
  INFO(early.describe());
  CHECK_FALSE(early.exited_with(0));
  CHECK(early.err.find("does not verify") != std::string::npos);

  const auto trusted = hub.hubctl({"cas", "add", (acme / "ca.pem").string()});
  INFO(trusted.describe());
  REQUIRE(trusted.exited_with(0));
  const auto enrolled =
      hub.hubctl({"devices", "enroll", "byo-1", "--certificate", device.certificate.string(),
                  "--out", (hub.work_dir() / "byo-out").string()});
  INFO(enrolled.describe());
  REQUIRE(enrolled.exited_with(0));
  // The broker trusts the CA without a restart (capath, read at the handshake).
  check_admitted(hub, device, 1);

  // Same CN, same trusted CA, but not the registered certificate.
  const auto second = sign_unregistered_certificate(
      acme / "ca.pem", acme / "ca.key", "byo-1", hub.work_dir() / "second", hub.ca_certificate());
  check_refused(hub, second, 2);
  CHECK(wait_until([&] { return broker_log_contains(hub, "is not the registered one"); }, 5s));
  // Same CN from a CA nobody trusts: refused in the handshake.
  const auto stranger =
      certificate_from_another_ca("byo-1", hub.work_dir() / "stranger", hub.ca_certificate());
  check_refused(hub, stranger, 3);

  // The CA cannot be removed while a registered certificate chains to it.
  const auto listed = hub.hubctl({"--json", "cas", "list"});
  INFO(listed.describe());
  REQUIRE(listed.exited_with(0));
  const json cas = json::parse(listed.out).at("cas");
  REQUIRE(cas.size() == 1);
  CHECK(cas[0].at("device_certificates") == 1);
  const auto removal =
      hub.hubctl({"cas", "remove", cas[0].at("certificate_sha256").get<std::string>()});
  INFO(removal.describe());
  CHECK_FALSE(removal.exited_with(0));
  CHECK(removal.err.find("chain to this CA") != std::string::npos);
  check_admitted(hub, device, 4);
}

TEST_CASE("rotation: old and new certificates are both accepted until the old one is ended") {
  HubUnderTest hub({.name = "identity-rotation"});
  const auto old_device = hub.register_device("rot-1");
  check_admitted(hub, old_device, 1);
  const std::string old_sha256 = certificates_of(hub, "rot-1").at(0).at("certificate_sha256");

  const auto dir = hub.work_dir() / "rot-new";
  const auto request = make_key_and_request(hub, "rot-1", dir);
  const auto added = hub.hubctl({"--json", "devices", "certificates", "add", "rot-1", "--csr",
                                 request.string(), "--out", dir.string()});
  INFO(added.describe());
  REQUIRE(added.exited_with(0));
  const json answer = json::parse(added.out);
  const DeviceCredentials new_device{"rot-1", answer.at("certificate_file").get<std::string>(),
                                     dir / "rot-1.key", old_device.ca};

  // The overlap: both get in.
  check_admitted(hub, new_device, 2);
  check_admitted(hub, old_device, 3);
  CHECK(certificates_of(hub, "rot-1").size() == 2);

  // Connected with the old certificate when it is ended: disconnected.
  Process connected = mqtt_subscribe({.port = hub.mqtt_port(), .credentials = old_device},
                                     {"devices/rot-1/commands"}, hub.logs_dir() / "old-sub.log");
  REQUIRE(wait_until([&] { return suback_codes(connected.log_file()).has_value(); }, 10s));
  const auto ended = hub.hubctl({"devices", "certificates", "end", "rot-1", old_sha256});
  INFO(ended.describe());
  REQUIRE(ended.exited_with(0));
  CHECK_MESSAGE(connected.wait_for_exit(5s).has_value(),
                "the connection with the ended certificate was still open 5 s later");

  check_refused(hub, old_device, 4);
  CHECK(wait_until([&] { return broker_log_contains(hub, "was ended by the operator at"); }, 5s));
  check_admitted(hub, new_device, 5);
}

TEST_CASE(
    "a disabled device is refused and disconnected; enabled, it is back with the same "
    "certificate") {
  HubUnderTest hub({.name = "identity-disable"});
  const auto device = hub.register_device("dis-1");
  check_admitted(hub, device, 1);
  Process connected = mqtt_subscribe({.port = hub.mqtt_port(), .credentials = device},
                                     {"devices/dis-1/commands"}, hub.logs_dir() / "dis-sub.log");
  REQUIRE(wait_until([&] { return suback_codes(connected.log_file()).has_value(); }, 10s));

  const auto disabled = hub.hubctl({"devices", "disable", "dis-1"});
  INFO(disabled.describe());
  REQUIRE(disabled.exited_with(0));
  CHECK_MESSAGE(connected.wait_for_exit(5s).has_value(),
                "the disabled device's connection was still open 5 s later");
  check_refused(hub, device, 2);
  CHECK(wait_until([&] { return broker_log_contains(hub, "'dis-1' is disabled"); }, 5s));
  const auto listed = hub.hubctl({"--json", "devices", "list"});
  CHECK(listed.out.find("\"disabled\"") != std::string::npos);

  const auto enabled = hub.hubctl({"devices", "enable", "dis-1"});
  INFO(enabled.describe());
  REQUIRE(enabled.exited_with(0));
  check_admitted(hub, device, 3);
}

TEST_CASE(
    "expired and not-yet-valid certificates are refused with the reason in the broker log "
    "and the lifecycle stream") {
  HubUnderTest hub({.name = "identity-validity"});
  const auto control = hub.register_device("val-1");
  // From the hub's own CA, for a registered id: only the dates are wrong.
  const auto expired = sign_certificate_valid_between(
      hub.ca_certificate(), hub.ca_private_key(), "val-1", hub.work_dir() / "expired",
      hub.ca_certificate(), "20200101000000Z", "20200201000000Z");
  const auto early = sign_certificate_valid_between(
      hub.ca_certificate(), hub.ca_private_key(), "val-1", hub.work_dir() / "early",
      hub.ca_certificate(), "20350101000000Z", "20360101000000Z");

  check_refused(hub, expired, 1);
  check_refused(hub, early, 2);
  CHECK(wait_until(
      [&] {
        return broker_log_contains(hub, "certificate of 'val-1' expired at 2020-02-01T00:00:00Z");
      },
      5s));
  CHECK(wait_until(
      [&] {
        return broker_log_contains(
            hub, "certificate of 'val-1' is not valid yet (not before 2035-01-01T00:00:00Z)");
      },
      5s));
  CHECK_MESSAGE(wait_until(
                    [&] {
                      for (const auto& record : hub.read_stream("lifecycle")) {
                        if (record.dump().find("certificate_validity") != std::string::npos) {
                          return true;
                        }
                      }
                      return false;
                    },
                    10s, 200ms),
                "no certificate_validity record in the lifecycle stream");
  check_admitted(hub, control, 3);
}
