// The hub renews its own certificates (issue 13): with a server certificate
// that is always due (valid 1 day, renewed 2 days before expiry, checked
// every 2 s), hubd issues a new one every check and the broker loads it with
// a SIGHUP while devices keep publishing: new connections get the new
// certificate, connected devices are not dropped, and every acknowledged
// message is stored once.
#include <doctest/doctest.h>
#include <signal.h>

#include <fstream>
#include <set>
#include <thread>

#include "support/acknowledged_delivery.h"
#include "support/command.h"
#include "support/firmware_sim.h"
#include "support/hub_under_test.h"
#include "support/temp_dir.h"
#include "support/wait_until.h"

using namespace edgehub::itest;
using namespace std::chrono_literals;

namespace {

std::string fingerprint_of_file(const std::filesystem::path& certificate) {
  return run_command_checked({"/usr/bin/openssl", "x509", "-in", certificate.string(), "-noout",
                              "-fingerprint", "-sha256"})
      .out;
}

// The certificate the broker presents to a new TLS connection, as a fingerprint line.
std::string served_fingerprint(const HubUnderTest& hub, const DeviceCredentials& device) {
  const std::string script =
      "openssl s_client -connect 127.0.0.1:" + std::to_string(hub.mqtt_port()) + " -cert '" +
      device.certificate.string() + "' -key '" + device.private_key.string() + "' -CAfile '" +
      device.ca.string() + "' </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256";
  return run_command({"/bin/sh", "-c", script}).out;
}

std::size_t connections_of(const HubUnderTest& hub, const std::string& device) {
  std::size_t connected = 0;
  for (const auto& record : hub.read_stream("lifecycle")) {
    const std::string text = record.dump();
    if (record.value("device", "") == device && text.find("disconnected") == std::string::npos &&
        text.find("connected") != std::string::npos) {
      ++connected;
    }
  }
  return connected;
}

}  // namespace

TEST_CASE("a renewed server certificate is loaded by the broker without dropping devices") {
  HubUnderTest hub(
      {.name = "cert-renewal",
       .log_level = "info",
       .extra_arguments = {"--server-certificate-days", "1", "--certificate-renew-days", "2",
                           "--certificate-check-seconds", "2"}});
  const std::filesystem::path server = hub.data_dir() / "pki" / "server.pem";
  const std::string first = fingerprint_of_file(server);
  REQUIRE(first.find("Fingerprint=") != std::string::npos);
  const DeviceCredentials probe = hub.register_device("renewal-probe");

  constexpr int kDevices = 3;
  constexpr int kMessages = 500;  // 10 s at 50 msg/s per device
  SimulatorOptions options{.devices = kDevices,
                           .id_prefix = "cr-",
                           .interval_ms = 20,
                           .count = kMessages,
                           .ack_log = hub.work_dir() / "acks.log"};
  Process simulator = start_firmware_sim(hub, options);
  REQUIRE(wait_until([&] { return hub.record_count("telemetry") >= 100; }, 60s, 20ms));

  // Several renewals while the devices publish.
  std::set<std::string> issued = {first};
  REQUIRE(wait_until(
      [&] {
        issued.insert(fingerprint_of_file(server));
        return issued.size() >= 3;
      },
      30s, 200ms));
  // A new connection is served a renewed certificate (the broker reloaded it).
  CHECK(wait_until(
      [&] {
        const std::string served = served_fingerprint(hub, probe);
        return served.find("Fingerprint=") != std::string::npos && served != first;
      },
      10s, 500ms));

  check_simulator_delivered_everything(hub, simulator, *options.ack_log, kDevices * kMessages, 120s,
                                       60s);
  // Nobody was dropped: one connection per device for the whole run.
  for (const std::string device : {"cr-0001", "cr-0002", "cr-0003"}) {
    CHECK_MESSAGE(connections_of(hub, device) == 1, device);
  }
  CHECK(read_text_file(hub.broker_log()).find("Reloading config.") != std::string::npos);
}

TEST_CASE("SIGHUP reloads hubd instead of stopping it: new server names, broker log reopened") {
  // The config file names the hub as devices on the network will.
  TempDir config_dir("reload-config");
  const std::filesystem::path config = config_dir.path() / "hubd.toml";
  std::ofstream(config) << "server-name = [\"hub.reload.test\"]\n";
  HubUnderTest hub(
      {.name = "reload", .log_level = "info", .extra_arguments = {"--config", config.string()}});
  const std::filesystem::path server = hub.data_dir() / "pki" / "server.pem";
  const std::string named = fingerprint_of_file(server);
  const DeviceCredentials device = hub.register_device("reload-probe");
  CHECK(served_fingerprint(hub, device) == named);

  std::ofstream(config) << "server-name = [\"hub.reload.test\", \"hub2.reload.test\"]\n";
  REQUIRE(hub.signal_hubd(SIGHUP));
  CHECK(wait_until([&] { return fingerprint_of_file(server) != named; }, 10s, 100ms));
  const std::string names = run_command_checked({"/usr/bin/openssl", "x509", "-in", server.string(),
                                                 "-noout", "-ext", "subjectAltName"})
                                .out;
  CHECK(names.find("hub2.reload.test") != std::string::npos);
  // The broker serves the new certificate; hubd is still up and answering.
  CHECK(wait_until(
      [&] {
        const std::string served = served_fingerprint(hub, device);
        return served.find("Fingerprint=") != std::string::npos && served != named;
      },
      10s, 300ms));
  CHECK(hub.hubd_running());
  CHECK(hub.get("/api/v1/health").status == 200);
  CHECK(read_text_file(hub.broker_log()).find("Reloading config.") != std::string::npos);
}
