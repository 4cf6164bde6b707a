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
constexpr std::int64_t kNowMs = 1'800'000'000'000;  // 2027-01-15

std::optional<Result<PresentedCertificate>> certificate(const std::string& name,
                                                        const std::string& sha256 = kFingerprint) {
  return Result<PresentedCertificate>(PresentedCertificate{name, sha256});
}

}  // namespace

TEST_CASE("a registered, enabled device with its certificate and client id is admitted") {
  FakeRegistryReader registry;
  registry.add("boiler-1", DeviceRole::device, DeviceStatus::enabled, kFingerprint);
  const ConnectDecision decision =
      authenticate(certificate("boiler-1"), "boiler-1", registry, kNowMs);
  CHECK(decision.admitted);
  CHECK(decision.identity == "boiler-1");
  CHECK(decision.role == DeviceRole::device);
}

TEST_CASE("a registered service is admitted with the service role") {
  FakeRegistryReader registry;
  registry.add("hubd", DeviceRole::service, DeviceStatus::enabled, kFingerprint);
  const ConnectDecision decision = authenticate(certificate("hubd"), "hubd", registry, kNowMs);
  CHECK(decision.admitted);
  CHECK(decision.role == DeviceRole::service);
}

TEST_CASE("the registered fingerprint is compared without regard to hex letter case") {
  FakeRegistryReader registry;
  registry.add("boiler-1", DeviceRole::device, DeviceStatus::enabled, std::string(64, 'A'));
  CHECK(authenticate(certificate("boiler-1"), "boiler-1", registry, kNowMs).admitted);
}

TEST_CASE("a client without a certificate is refused") {
  FakeRegistryReader registry;
  const ConnectDecision decision = authenticate(std::nullopt, "boiler-1", registry, kNowMs);
  CHECK_FALSE(decision.admitted);
  CHECK(decision.reason == "no client certificate");
  CHECK(registry.lookups == 0);
}

TEST_CASE("an unreadable certificate is refused with the reader's reason") {
  FakeRegistryReader registry;
  const std::optional<Result<PresentedCertificate>> unreadable = Result<PresentedCertificate>(
      edgehub::make_error(edgehub::ErrorCode::invalid_argument, "certificate subject has no CN"));
  const ConnectDecision decision = authenticate(unreadable, "boiler-1", registry, kNowMs);
  CHECK_FALSE(decision.admitted);
  CHECK(decision.reason == "certificate subject has no CN");
}

TEST_CASE("a CN that is not a valid device id is refused without asking the registry") {
  FakeRegistryReader registry;
  for (const char* name : {"devices/+/telemetry", "", "-starts-with-dash", "has space"}) {
    CAPTURE(name);
    const ConnectDecision decision = authenticate(certificate(name), name, registry, kNowMs);
    CHECK_FALSE(decision.admitted);
    CHECK(decision.reason.find("is not a valid device id") != std::string::npos);
  }
  CHECK(registry.lookups == 0);
}

TEST_CASE("an unregistered CN is refused") {
  FakeRegistryReader registry;
  const ConnectDecision decision =
      authenticate(certificate("stranger"), "stranger", registry, kNowMs);
  CHECK_FALSE(decision.admitted);
  CHECK(decision.reason == "'stranger' is not registered");
}

TEST_CASE("a disabled device is refused") {
  FakeRegistryReader registry;
  registry.add("boiler-1", DeviceRole::device, DeviceStatus::disabled, kFingerprint);
  const ConnectDecision decision =
      authenticate(certificate("boiler-1"), "boiler-1", registry, kNowMs);
  CHECK_FALSE(decision.admitted);
  CHECK(decision.reason == "'boiler-1' is disabled");
}

TEST_CASE("another certificate with the registered CN is refused") {
  FakeRegistryReader registry;
  registry.add("boiler-1", DeviceRole::device, DeviceStatus::enabled, kFingerprint);
  const ConnectDecision decision =
      authenticate(certificate("boiler-1", std::string(64, 'b')), "boiler-1", registry, kNowMs);
  CHECK_FALSE(decision.admitted);
  CHECK(decision.reason.find("is not the registered one") != std::string::npos);
}

TEST_CASE("a device using another client id than its CN is refused (no session takeover)") {
  FakeRegistryReader registry;
  registry.add("boiler-1", DeviceRole::device, DeviceStatus::enabled, kFingerprint);
  registry.add("boiler-2", DeviceRole::device, DeviceStatus::enabled, kFingerprint);
  const ConnectDecision decision =
      authenticate(certificate("boiler-1"), "boiler-2", registry, kNowMs);
  CHECK_FALSE(decision.admitted);
  CHECK(decision.reason == "client id 'boiler-2' differs from the certificate CN 'boiler-1'");
  CHECK(registry.lookups == 0);
}

TEST_CASE("a service using another client id than its CN is refused") {
  FakeRegistryReader registry;
  registry.add("hubd", DeviceRole::service, DeviceStatus::enabled, kFingerprint);
  CHECK_FALSE(authenticate(certificate("hubd"), "hubd-2", registry, kNowMs).admitted);
  CHECK_FALSE(decide_connect(PresentedCertificate{"hubd", kFingerprint}, "",
                             registry.identities["hubd"], kNowMs)
                  .admitted);
}

TEST_CASE("a registry failure refuses the connection and says so") {
  FakeRegistryReader registry;
  registry.add("boiler-1", DeviceRole::device, DeviceStatus::enabled, kFingerprint);
  registry.failure = "database is locked";
  const ConnectDecision decision =
      authenticate(certificate("boiler-1"), "boiler-1", registry, kNowMs);
  CHECK_FALSE(decision.admitted);
  CHECK(decision.reason == "registry unavailable: database is locked");
}

TEST_CASE("an offline session re-checked on broker reload stays admitted while registered") {
  FakeRegistryReader registry;
  registry.add("hubd", DeviceRole::service, DeviceStatus::enabled, kFingerprint);
  const ConnectDecision decision =
      recheck_offline_session("hubd", DeviceRole::service, registry);
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

namespace {

const std::string kOld(64, 'c');
const std::string kNew(64, 'd');

FakeRegistryReader rotating_registry(std::int64_t old_ended_at_ms) {
  FakeRegistryReader registry;
  registry.add("boiler-1", DeviceRole::device, DeviceStatus::enabled, kNew);
  registry.identities["boiler-1"].certificates = {AcceptedCertificate{kOld, old_ended_at_ms},
                                                  AcceptedCertificate{kNew, 0}};
  return registry;
}

std::optional<Result<PresentedCertificate>> valid_between(const std::string& sha256,
                                                          std::int64_t not_before_ms,
                                                          std::int64_t not_after_ms) {
  return Result<PresentedCertificate>(
      PresentedCertificate{"boiler-1", sha256, not_before_ms, not_after_ms});
}

}  // namespace

TEST_CASE("during a rotation both the old and the new certificate are admitted") {
  FakeRegistryReader registry = rotating_registry(0);
  CHECK(authenticate(certificate("boiler-1", kOld), "boiler-1", registry, kNowMs).admitted);
  CHECK(authenticate(certificate("boiler-1", kNew), "boiler-1", registry, kNowMs).admitted);
  // A third certificate with the same CN (say, from the same trusted CA) is not.
  const ConnectDecision other =
      authenticate(certificate("boiler-1", std::string(64, 'e')), "boiler-1", registry, kNowMs);
  CHECK_FALSE(other.admitted);
  CHECK(other.reason.find("is not the registered one") != std::string::npos);
}

TEST_CASE("a certificate the operator ended is refused with when it was ended") {
  FakeRegistryReader registry = rotating_registry(1'700'000'000'000);  // 2023-11-14T22:13:20Z
  const ConnectDecision old =
      authenticate(certificate("boiler-1", kOld), "boiler-1", registry, kNowMs);
  CHECK_FALSE(old.admitted);
  CHECK(old.reason ==
        "certificate of 'boiler-1' (sha256 cccccccccccccccc...) was ended by the "
        "operator at 2023-11-14T22:13:20Z");
  CHECK(authenticate(certificate("boiler-1", kNew), "boiler-1", registry, kNowMs).admitted);
}

TEST_CASE("an expired certificate is refused with its end in the reason, even a registered one") {
  FakeRegistryReader registry = rotating_registry(0);
  const ConnectDecision expired = authenticate(
      valid_between(kNew, kNowMs - 86'400'000, kNowMs - 1000), "boiler-1", registry, kNowMs);
  CHECK_FALSE(expired.admitted);
  CHECK(expired.outside_validity);
  CHECK(expired.reason == "certificate of 'boiler-1' expired at 2027-01-15T07:59:59Z");
}

TEST_CASE("a certificate that is not valid yet is refused with its start in the reason") {
  FakeRegistryReader registry = rotating_registry(0);
  const ConnectDecision early = authenticate(
      valid_between(kNew, kNowMs + 60'000, kNowMs + 86'400'000), "boiler-1", registry, kNowMs);
  CHECK_FALSE(early.admitted);
  CHECK(early.outside_validity);
  CHECK(early.reason ==
        "certificate of 'boiler-1' is not valid yet (not before 2027-01-15T08:01:00Z)");
}

TEST_CASE("a certificate inside its validity period is admitted up to its last millisecond") {
  FakeRegistryReader registry = rotating_registry(0);
  const ConnectDecision admitted =
      authenticate(valid_between(kNew, kNowMs, kNowMs), "boiler-1", registry, kNowMs);
  CHECK(admitted.admitted);
  CHECK_FALSE(admitted.outside_validity);
}
