// A device's certificates (rotation): the contract both DeviceRegistry
// implementations keep.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "registry_fixtures.h"

using namespace edgehub;
using namespace edgehub::hub;
using edgehub::test::device_named;
using edgehub::test::fingerprint;

#define REGISTRY_FIXTURES edgehub::test::SqliteRegistryFixture, edgehub::test::MemoryRegistryFixture

namespace {

DeviceCertificate certificate_of(char digit, std::string issuer = fingerprint('9')) {
  return DeviceCertificate{fingerprint(digit), 1000, 2000, std::move(issuer), 0, 0};
}

std::vector<std::string> open_fingerprints(const std::vector<DeviceCertificate>& certificates) {
  std::vector<std::string> open;
  for (const auto& certificate : certificates) {
    if (certificate.ended_at_ms == 0) open.push_back(certificate.certificate_sha256);
  }
  return open;
}

}  // namespace

TEST_CASE_TEMPLATE("a new device has its one certificate, with the facts it was added with",
                   Fixture, REGISTRY_FIXTURES) {
  Fixture f;
  f.clock.advance_ms(42);
  DeviceRecord device = device_named("boiler-1");
  device.certificates = {certificate_of('a')};
  REQUIRE(f.registry->add(device).ok());
  const auto certificates = f.registry->certificates("boiler-1");
  REQUIRE(certificates.ok());
  REQUIRE(certificates->size() == 1);
  CHECK(certificates->front().certificate_sha256 == fingerprint('a'));
  CHECK(certificates->front().not_before_ms == 1000);
  CHECK(certificates->front().not_after_ms == 2000);
  CHECK(certificates->front().issuer_sha256 == fingerprint('9'));
  CHECK(certificates->front().added_at_ms == f.clock.now_ms());
  CHECK(certificates->front().ended_at_ms == 0);
}

TEST_CASE_TEMPLATE("a device added without facts has its certificate with unknown validity",
                   Fixture, REGISTRY_FIXTURES) {
  Fixture f;
  REQUIRE(f.registry->add(device_named("boiler-1")).ok());
  const auto certificates = f.registry->certificates("boiler-1");
  REQUIRE(certificates.ok());
  REQUIRE(certificates->size() == 1);
  CHECK(certificates->front().certificate_sha256 == fingerprint('a'));
  CHECK(certificates->front().not_after_ms == 0);
}

TEST_CASE_TEMPLATE("rotation: the new certificate is added beside the old, then the old is ended",
                   Fixture, REGISTRY_FIXTURES) {
  Fixture f;
  REQUIRE(f.registry->add(device_named("boiler-1")).ok());
  REQUIRE(f.registry->add_certificate("boiler-1", certificate_of('b')).ok());
  CHECK(open_fingerprints(*f.registry->certificates("boiler-1")) ==
        std::vector<std::string>{fingerprint('a'), fingerprint('b')});
  CHECK(f.registry->find("boiler-1")->certificate_sha256 == fingerprint('b'));
  CHECK(f.revoked_device_ids().empty());  // adding disconnects nobody

  f.clock.advance_ms(7);
  REQUIRE(f.registry->end_certificate("boiler-1", fingerprint('a')).ok());
  const auto certificates = f.registry->certificates("boiler-1");
  REQUIRE(certificates.ok());
  CHECK(open_fingerprints(*certificates) == std::vector<std::string>{fingerprint('b')});
  CHECK(certificates->front().ended_at_ms == f.clock.now_ms());
  // A device connected with the old one is disconnected (it reconnects with the new).
  CHECK(f.revoked_device_ids() == std::vector<std::string>{"boiler-1"});
}

TEST_CASE_TEMPLATE("ending refuses an unknown certificate, an ended one and the last one", Fixture,
                   REGISTRY_FIXTURES) {
  Fixture f;
  REQUIRE(f.registry->add(device_named("boiler-1")).ok());
  CHECK(f.registry->end_certificate("boiler-1", fingerprint('a')).error().code ==
        ErrorCode::conflict);  // the last one
  CHECK(f.registry->end_certificate("boiler-1", fingerprint('c')).error().code ==
        ErrorCode::not_found);
  CHECK(f.registry->end_certificate("nobody", fingerprint('a')).error().code ==
        ErrorCode::not_found);
  REQUIRE(f.registry->add_certificate("boiler-1", certificate_of('b')).ok());
  REQUIRE(f.registry->end_certificate("boiler-1", fingerprint('a')).ok());
  CHECK(f.registry->end_certificate("boiler-1", fingerprint('a')).error().code ==
        ErrorCode::conflict);
}

TEST_CASE_TEMPLATE("adding a certificate twice, to nobody, or malformed is refused", Fixture,
                   REGISTRY_FIXTURES) {
  Fixture f;
  REQUIRE(f.registry->add(device_named("boiler-1")).ok());
  CHECK(f.registry->add_certificate("boiler-1", certificate_of('a')).error().code ==
        ErrorCode::conflict);
  CHECK(f.registry->add_certificate("nobody", certificate_of('b')).error().code ==
        ErrorCode::not_found);
  DeviceCertificate malformed = certificate_of('b');
  malformed.certificate_sha256 = "AB";
  CHECK(f.registry->add_certificate("boiler-1", malformed).error().code ==
        ErrorCode::invalid_argument);
  DeviceCertificate reversed = certificate_of('b');
  reversed.not_after_ms = 10;
  CHECK(f.registry->add_certificate("boiler-1", reversed).error().code ==
        ErrorCode::invalid_argument);
}

TEST_CASE_TEMPLATE("open certificates are counted by issuer; ended and removed ones are not",
                   Fixture, REGISTRY_FIXTURES) {
  Fixture f;
  DeviceRecord first = device_named("d1");
  first.certificates = {certificate_of('a', fingerprint('e'))};
  REQUIRE(f.registry->add(first).ok());
  DeviceRecord second = device_named("d2");
  second.certificate_sha256 = fingerprint('b');
  second.certificates = {certificate_of('b', fingerprint('e'))};
  REQUIRE(f.registry->add(second).ok());
  CHECK(*f.registry->count_open_certificates_issued_by(fingerprint('e')) == 2);
  CHECK(*f.registry->count_open_certificates_issued_by(fingerprint('f')) == 0);

  REQUIRE(f.registry->add_certificate("d1", certificate_of('c', fingerprint('f'))).ok());
  REQUIRE(f.registry->end_certificate("d1", fingerprint('a')).ok());
  REQUIRE(f.registry->remove("d2").ok());
  CHECK(*f.registry->count_open_certificates_issued_by(fingerprint('e')) == 0);
  CHECK(*f.registry->count_open_certificates_issued_by(fingerprint('f')) == 1);
}

TEST_CASE_TEMPLATE("set_certificate replaces every certificate of the device", Fixture,
                   REGISTRY_FIXTURES) {
  Fixture f;
  REQUIRE(f.registry->add(device_named("hubd")).ok());
  REQUIRE(f.registry->add_certificate("hubd", certificate_of('b')).ok());
  REQUIRE(f.registry->set_certificate("hubd", fingerprint('c')).ok());
  CHECK(open_fingerprints(*f.registry->certificates("hubd")) ==
        std::vector<std::string>{fingerprint('c')});
}
