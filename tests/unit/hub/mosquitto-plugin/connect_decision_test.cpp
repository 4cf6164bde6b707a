#include "mosquitto-plugin/connect_decision.h"

#include <doctest/doctest.h>

#include "fake_registry_reader.h"
#include "test_certificates.h"

using namespace edgehub::hub;
using namespace edgehub::hub::mosquitto_auth;
using edgehub::Result;
using testing::FakeRegistryReader;

namespace {

const std::string kFingerprint(64, 'a');

std::optional<Result<PresentedCertificate>> certificate(const std::string& name,
                                                        const std::string& sha256 = kFingerprint) {
  return Result<PresentedCertificate>(PresentedCertificate{name, sha256});
}

}  // namespace

TEST_CASE("a registered, enabled device with its certificate and client id is admitted") {
  FakeRegistryReader registry;
  registry.add("boiler-1", DeviceRole::device, DeviceStatus::enabled, kFingerprint);
  const ConnectDecision decision = authenticate(certificate("boiler-1"), "boiler-1", registry);
  CHECK(decision.admitted);
  CHECK(decision.identity == "boiler-1");
  CHECK(decision.role == DeviceRole::device);
}

TEST_CASE("a registered service is admitted with the service role") {
  FakeRegistryReader registry;
  registry.add("hubd", DeviceRole::service, DeviceStatus::enabled, kFingerprint);
  const ConnectDecision decision = authenticate(certificate("hubd"), "hubd", registry);
  CHECK(decision.admitted);
  CHECK(decision.role == DeviceRole::service);
}

TEST_CASE("the registered fingerprint is compared without regard to hex letter case") {
  FakeRegistryReader registry;
  registry.add("boiler-1", DeviceRole::device, DeviceStatus::enabled, std::string(64, 'A'));
  CHECK(authenticate(certificate("boiler-1"), "boiler-1", registry).admitted);
}

TEST_CASE("a client without a certificate is refused") {
  FakeRegistryReader registry;
  const ConnectDecision decision = authenticate(std::nullopt, "boiler-1", registry);
  CHECK_FALSE(decision.admitted);
  CHECK(decision.reason == "no client certificate");
  CHECK(registry.lookups == 0);
}

TEST_CASE("an unreadable certificate is refused with the reader's reason") {
  FakeRegistryReader registry;
  const std::optional<Result<PresentedCertificate>> unreadable = Result<PresentedCertificate>(
      edgehub::make_error(edgehub::ErrorCode::invalid_argument, "certificate subject has no CN"));
  const ConnectDecision decision = authenticate(unreadable, "boiler-1", registry);
  CHECK_FALSE(decision.admitted);
  CHECK(decision.reason == "certificate subject has no CN");
}

TEST_CASE("a CN that is not a valid device id is refused without asking the registry") {
  FakeRegistryReader registry;
  for (const char* name : {"devices/+/telemetry", "", "-starts-with-dash", "has space"}) {
    CAPTURE(name);
    const ConnectDecision decision = authenticate(certificate(name), name, registry);
    CHECK_FALSE(decision.admitted);
    CHECK(decision.reason.find("is not a valid device id") != std::string::npos);
  }
  CHECK(registry.lookups == 0);
}

TEST_CASE("an unregistered CN is refused") {
  FakeRegistryReader registry;
  const ConnectDecision decision = authenticate(certificate("stranger"), "stranger", registry);
  CHECK_FALSE(decision.admitted);
  CHECK(decision.reason == "'stranger' is not registered");
}

TEST_CASE("a disabled device is refused") {
  FakeRegistryReader registry;
  registry.add("boiler-1", DeviceRole::device, DeviceStatus::disabled, kFingerprint);
  const ConnectDecision decision = authenticate(certificate("boiler-1"), "boiler-1", registry);
  CHECK_FALSE(decision.admitted);
  CHECK(decision.reason == "'boiler-1' is disabled");
}

TEST_CASE("another certificate with the registered CN is refused") {
  FakeRegistryReader registry;
  registry.add("boiler-1", DeviceRole::device, DeviceStatus::enabled, kFingerprint);
  const ConnectDecision decision =
      authenticate(certificate("boiler-1", std::string(64, 'b')), "boiler-1", registry);
  CHECK_FALSE(decision.admitted);
  CHECK(decision.reason.find("is not the registered one") != std::string::npos);
}

TEST_CASE("a device using another client id than its CN is refused (no session takeover)") {
  FakeRegistryReader registry;
  registry.add("boiler-1", DeviceRole::device, DeviceStatus::enabled, kFingerprint);
  registry.add("boiler-2", DeviceRole::device, DeviceStatus::enabled, kFingerprint);
  const ConnectDecision decision = authenticate(certificate("boiler-1"), "boiler-2", registry);
  CHECK_FALSE(decision.admitted);
  CHECK(decision.reason == "client id 'boiler-2' differs from the certificate CN 'boiler-1'");
  CHECK(registry.lookups == 0);
}

TEST_CASE("a service using another client id than its CN is refused") {
  FakeRegistryReader registry;
  registry.add("hubd", DeviceRole::service, DeviceStatus::enabled, kFingerprint);
  CHECK_FALSE(authenticate(certificate("hubd"), "hubd-2", registry).admitted);
  CHECK_FALSE(
      decide_connect(PresentedCertificate{"hubd", kFingerprint}, "", registry.identities["hubd"])
          .admitted);
}

TEST_CASE("a registry failure refuses the connection and says so") {
  FakeRegistryReader registry;
  registry.add("boiler-1", DeviceRole::device, DeviceStatus::enabled, kFingerprint);
  registry.failure = "database is locked";
  const ConnectDecision decision = authenticate(certificate("boiler-1"), "boiler-1", registry);
  CHECK_FALSE(decision.admitted);
  CHECK(decision.reason == "registry unavailable: database is locked");
}

TEST_CASE("an offline session re-checked on broker reload stays admitted while registered") {
  FakeRegistryReader registry;
  registry.add("hubd", DeviceRole::service, DeviceStatus::enabled, kFingerprint);
  const ConnectDecision decision = recheck_offline_session("hubd", DeviceRole::service, registry);
  CHECK(decision.admitted);
  CHECK(decision.identity == "hubd");
  CHECK(decision.role == DeviceRole::service);
}

TEST_CASE("an offline session re-checked on broker reload is refused once removed or disabled") {
  FakeRegistryReader registry;
  CHECK(recheck_offline_session("boiler-1", DeviceRole::device, registry).reason ==
        "'boiler-1' is not registered any more");
  registry.add("boiler-1", DeviceRole::device, DeviceStatus::disabled, kFingerprint);
  CHECK_FALSE(recheck_offline_session("boiler-1", DeviceRole::device, registry).admitted);
  registry.add("boiler-1", DeviceRole::service, DeviceStatus::enabled, kFingerprint);
  CHECK_FALSE(recheck_offline_session("boiler-1", DeviceRole::device, registry).admitted);
  registry.failure = "disk I/O error";
  CHECK_FALSE(recheck_offline_session("boiler-1", DeviceRole::service, registry).admitted);
}

TEST_CASE("a session restored after a broker restart is admitted with its registered role") {
  FakeRegistryReader registry;
  registry.add("hubd", DeviceRole::service, DeviceStatus::enabled, kFingerprint);
  const ConnectDecision decision = recheck_offline_session("hubd", std::nullopt, registry);
  CHECK(decision.admitted);
  CHECK(decision.role == DeviceRole::service);
  CHECK_FALSE(recheck_offline_session("ghost", std::nullopt, registry).admitted);
  CHECK_FALSE(recheck_offline_session("not/an/id", std::nullopt, registry).admitted);
}
