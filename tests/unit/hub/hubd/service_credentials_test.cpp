#include "hubd/service_credentials.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include "edgehub/test/temp_directory.h"
#include "registry/memory_device_registry.h"

using namespace edgehub;
using namespace edgehub::hub;

TEST_CASE("the server certificate names loopback, specific bind addresses and server names") {
  using Names = std::vector<std::string>;
  CHECK(server_subject_alt_names({"127.0.0.1"}, {}) == Names{"127.0.0.1", "::1", "localhost"});
  CHECK(server_subject_alt_names({"0.0.0.0"}, {}) == Names{"127.0.0.1", "::1", "localhost"});
  CHECK(server_subject_alt_names({"::"}, {}) == Names{"127.0.0.1", "::1", "localhost"});
  CHECK(server_subject_alt_names({"192.168.7.2"}, {}) ==
        Names{"127.0.0.1", "::1", "localhost", "192.168.7.2"});
  CHECK(
      server_subject_alt_names({"127.0.0.1", "192.168.7.2"}, {"hub.site.example", "192.168.7.2"}) ==
      Names{"127.0.0.1", "::1", "localhost", "192.168.7.2", "hub.site.example"});
}

TEST_CASE("certificates are issued once and reissued only when the names change") {
  edgehub::test::TempDirectory temp;
  const DataDirectory layout(temp.path() / "data");
  layout.prepare();
  const auto authority = CertificateAuthority::load_or_create(layout.pki_dir(), "test CA");

  ensure_server_certificate(authority, layout, server_subject_alt_names({"127.0.0.1"}, {}));
  const std::string first = read_text_file(layout.server_certificate());
  struct stat key {};
  REQUIRE(::stat(layout.server_key().c_str(), &key) == 0);
  CHECK((key.st_mode & 0777) == 0600);

  ensure_server_certificate(authority, layout, server_subject_alt_names({"127.0.0.1"}, {}));
  CHECK(read_text_file(layout.server_certificate()) == first);

  ensure_server_certificate(authority, layout, server_subject_alt_names({"10.1.2.3"}, {}));
  CHECK(read_text_file(layout.server_certificate()) != first);
}

TEST_CASE("the service identity is registered as an enabled service with its fingerprint") {
  edgehub::test::TempDirectory temp;
  const DataDirectory layout(temp.path() / "data");
  layout.prepare();
  const auto authority = CertificateAuthority::load_or_create(layout.pki_dir(), "test CA");
  ManualClock clock;
  MemoryDeviceRegistry registry(clock);

  ensure_service_identity(authority, registry, layout);
  auto service = registry.find("hubd");
  REQUIRE(service.ok());
  CHECK(service->role == DeviceRole::service);
  CHECK(service->status == DeviceStatus::enabled);
  const std::string fingerprint =
      CertificateAuthority::fingerprint_of_pem(read_text_file(layout.service_certificate()));
  CHECK(service->certificate_sha256 == fingerprint);

  SUBCASE("a second start changes nothing") {
    ensure_service_identity(authority, registry, layout);
    CHECK(registry.find("hubd")->certificate_sha256 == fingerprint);
    CHECK(registry.revoked_device_ids().empty());
  }
  SUBCASE("a disabled or stale registration is repaired") {
    REQUIRE(registry.set_status("hubd", DeviceStatus::disabled).ok());
    REQUIRE(registry.set_certificate("hubd", std::string(64, '0')).ok());
    ensure_service_identity(authority, registry, layout);
    CHECK(registry.find("hubd")->status == DeviceStatus::enabled);
    CHECK(registry.find("hubd")->certificate_sha256 == fingerprint);
  }
}

TEST_CASE("a device registered as 'hubd' stops the hub with a clear error") {
  edgehub::test::TempDirectory temp;
  const DataDirectory layout(temp.path() / "data");
  layout.prepare();
  const auto authority = CertificateAuthority::load_or_create(layout.pki_dir(), "test CA");
  ManualClock clock;
  MemoryDeviceRegistry registry(clock);
  DeviceRecord impostor;
  impostor.id = "hubd";
  impostor.certificate_sha256 = std::string(64, 'e');
  REQUIRE(registry.add(impostor).ok());
  CHECK_THROWS_WITH_AS(ensure_service_identity(authority, registry, layout),
                       doctest::Contains("reserved for the hub"), std::runtime_error);
}

TEST_CASE("a certificate is due for renewal from renew_before before it expires") {
  using namespace std::chrono;
  const system_clock::time_point now{hours(24 * 20000)};
  CHECK(due_for_renewal(now + days(30), now, days(90)));
  CHECK(due_for_renewal(now + days(90), now, days(90)));
  CHECK_FALSE(due_for_renewal(now + days(91), now, days(90)));
  CHECK(due_for_renewal(now - days(1), now, days(90)));  // expired already
}

TEST_CASE("the hub's certificates are issued anew when due, and only then") {
  using namespace std::chrono;
  edgehub::test::TempDirectory temp;
  const DataDirectory layout(temp.path() / "data");
  layout.prepare();
  const auto authority = CertificateAuthority::load_or_create(layout.pki_dir(), "test CA");
  ManualClock clock;
  MemoryDeviceRegistry registry(clock);
  const CertificatePolicy policy{days(100), days(100), days(30)};
  const auto names = server_subject_alt_names({"127.0.0.1"}, {});
  const auto now = system_clock::now();

  CHECK(ensure_server_certificate(authority, layout, names, policy, now));
  CHECK(ensure_service_identity(authority, registry, layout, policy, now));
  const std::string server = read_text_file(layout.server_certificate());
  const auto expiry = CertificateAuthority::not_after_of_pem(server);
  CHECK(expiry > now + days(99));
  CHECK(expiry < now + days(101));

  // 60 days later: 40 left, not due.
  CHECK_FALSE(ensure_server_certificate(authority, layout, names, policy, now + days(60)));
  CHECK_FALSE(ensure_service_identity(authority, registry, layout, policy, now + days(60)));
  CHECK(read_text_file(layout.server_certificate()) == server);

  // 75 days later: 25 left, due; the registry follows hubd's new certificate.
  CHECK(ensure_server_certificate(authority, layout, names, policy, now + days(75)));
  CHECK(read_text_file(layout.server_certificate()) != server);
  CHECK(ensure_service_identity(authority, registry, layout, policy, now + days(75)));
  CHECK(registry.find("hubd")->certificate_sha256 ==
        CertificateAuthority::fingerprint_of_pem(read_text_file(layout.service_certificate())));
}
