// The REST server over HTTPS on a real loopback socket: requests and
// keep-alive through TLS, and the front's protections with TLS in the way: a
// client that never completes its handshake is closed at the head deadline
// and counts as unauthenticated (capped); plain HTTP to the port gets no
// answer; a reloaded certificate is served to new connections.
#include <doctest/doctest.h>
#include <httplib.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "api/rest_server.h"
#include "edgehub/test/raw_http_connection.h"
#include "edgehub/test/temp_directory.h"
#include "pki/certificate_authority.h"
#include "rest_server_fixture.h"

using namespace edgehub;
using namespace edgehub::hub;
using namespace edgehub::test;
using namespace std::chrono_literals;

namespace {

struct TlsFiles {
  TlsFiles() {
    const auto authority =
        CertificateAuthority::load_or_create(directory.path() / "pki", "test CA");
    ca = directory.path() / "ca.pem";
    std::ofstream(ca) << authority.certificate_pem();
    write_server(authority, "api", {"127.0.0.1", "localhost"});
  }
  void write_server(const CertificateAuthority& authority, const std::string& name,
                    const std::vector<std::string>& names) {
    const IssuedCertificate issued = authority.issue_server(name, names, std::chrono::days(1));
    std::ofstream(certificate) << issued.certificate_pem;
    std::ofstream(key) << issued.private_key_pem;
    served_sha256 = issued.certificate_sha256;
  }
  TempDirectory directory;
  std::filesystem::path ca;
  std::filesystem::path certificate = directory.path() / "server.pem";
  std::filesystem::path key = directory.path() / "server.key";
  std::string served_sha256;
};

RestServerSettings tls_settings(const TlsFiles& files) {
  RestServerSettings settings = small_server_settings();
  settings.tls_certificate_file = files.certificate;
  settings.tls_key_file = files.key;
  settings.head_timeout = 300ms;
  settings.keep_alive_idle_timeout = 2s;
  return settings;
}

httplib::Client https_client(const TlsFiles& files, std::uint16_t port) {
  httplib::Client client("https://127.0.0.1:" + std::to_string(port));
  client.enable_server_certificate_verification(true);
  client.set_ca_cert_path(files.ca.c_str());
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(5, 0);
  return client;
}

}  // namespace

TEST_CASE("https_requests_are_served_with_the_token_check_and_keep_alive") {
  TlsFiles files;
  ServerFixture fixture(tls_settings(files));
  CHECK(fixture.server.serves_https());
  auto client = https_client(files, fixture.server.port());
  auto anonymous = client.Get("/api/v1/devices");
  REQUIRE(anonymous);
  CHECK(anonymous->status == 401);
  client.set_keep_alive(true);
  for (int i = 0; i < 5; ++i) {  // one connection, back to the lobby between requests
    auto listed = client.Get("/api/v1/devices", fixture.authorized());
    REQUIRE(listed);
    CHECK(listed->status == 200);
  }
  auto created =
      client.Post("/api/v1/devices", fixture.authorized(), R"({"id":"tls-1"})", "application/json");
  REQUIRE(created);
  CHECK(created->status == 201);
  CHECK(nlohmann::json::parse(created->body)["device"]["id"] == "tls-1");
  // Idle past the keep-alive timeout: the server closed it; the client
  // reconnects (a new handshake) and is served.
  std::this_thread::sleep_for(2500ms);
  auto after_idle = client.Get("/api/v1/devices", fixture.authorized());
  REQUIRE(after_idle);
  CHECK(after_idle->status == 200);
}

TEST_CASE("a_client_that_never_completes_the_tls_handshake_is_closed_at_the_head_deadline") {
  TlsFiles files;
  ServerFixture fixture(tls_settings(files));
  RawHttpConnection silent(fixture.server.port());
  RawHttpConnection half(fixture.server.port());
  // The first bytes of a ClientHello, then nothing.
  REQUIRE(half.send(std::string("\x16\x03\x01\x00\xff\x01\x00\x00", 8)));
  CHECK(silent.closed_by_server(3s));
  CHECK(half.closed_by_server(3s));
  CHECK(fixture.server.limit_hits("head_timeout") >= 1);
  // The operator is not held up.
  auto client = https_client(files, fixture.server.port());
  auto listed = client.Get("/api/v1/devices", fixture.authorized());
  REQUIRE(listed);
  CHECK(listed->status == 200);
}

TEST_CASE("connections without a finished handshake count as unauthenticated and are capped") {
  TlsFiles files;
  auto settings = tls_settings(files);
  settings.head_timeout = 10s;
  settings.max_unauthenticated_connections = 4;
  ServerFixture fixture(settings);
  std::vector<std::unique_ptr<RawHttpConnection>> waiting;
  for (int i = 0; i < 4; ++i) {
    waiting.push_back(std::make_unique<RawHttpConnection>(fixture.server.port()));
    std::this_thread::sleep_for(20ms);
  }
  auto client = https_client(files, fixture.server.port());
  auto listed = client.Get("/api/v1/devices", fixture.authorized());
  REQUIRE(listed);
  CHECK(listed->status == 200);
  CHECK(waiting.front()->closed_by_server(2s));
  CHECK(fixture.server.limit_hits("max_unauthenticated_connections") >= 1);
}

TEST_CASE("plain_http_to_the_https_port_gets_no_answer") {
  TlsFiles files;
  ServerFixture fixture(tls_settings(files));
  RawHttpConnection plain(fixture.server.port());
  REQUIRE(plain.send("GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n"));
  CHECK(plain.response(2s).find("HTTP/1.1 200") == std::string::npos);
  CHECK(plain.closed_by_server(2s));
  CHECK(fixture.server.limit_hits("tls_handshake") == 1);
}

TEST_CASE("a_reloaded_certificate_is_served_to_new_connections") {
  TlsFiles files;
  ServerFixture fixture(tls_settings(files));
  REQUIRE(https_client(files, fixture.server.port()).Get("/api/v1/health"));
  // Renewed for another name only: a client of 127.0.0.1 refuses it, which
  // shows that it is the one served now.
  const auto authority = CertificateAuthority::load_or_create(files.directory.path() / "pki", "");
  files.write_server(authority, "api-renewed", {"renewed.example"});
  REQUIRE(fixture.server.reload_certificate().ok());
  auto refused = https_client(files, fixture.server.port()).Get("/api/v1/health");
  REQUIRE_FALSE(refused);
  CHECK(refused.error() == httplib::Error::SSLServerVerification);
  // Files that cannot be loaded: refused, the renewed certificate stays.
  std::ofstream(files.key) << "not a key";
  CHECK_FALSE(fixture.server.reload_certificate().ok());
  auto still = https_client(files, fixture.server.port()).Get("/api/v1/health");
  REQUIRE_FALSE(still);
  CHECK(still.error() == httplib::Error::SSLServerVerification);
}
