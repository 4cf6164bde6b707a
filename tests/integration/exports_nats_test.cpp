// The NATS JetStream destination against a real 3-node JetStream cluster on
// loopback (tests/support/nats_cluster.cpp), driven by a loop that retries
// like the export runner: every record exactly once in the R3 stream across
// a node crash, and a send during a whole-cluster outage answers at once.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <nats/nats.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <set>
#include <thread>
#include <utility>

#include "edgehub/test/export_send_loop.h"
#include "edgehub/test/nats_cluster.h"
#include "exports/nats_destination.h"
#include "support/free_port.h"
#include "support/process.h"
#include "support/programs.h"
#include "support/temp_dir.h"

using edgehub::hub::ExportDestination;
using edgehub::hub::ExportRecord;
using edgehub::hub::make_nats_destination;
using edgehub::test::ExportSendLoopOptions;
using edgehub::test::NatsCluster;
using edgehub::test::NatsStoredMessage;
using edgehub::test::sample_export_records;
using edgehub::test::send_like_the_runner;
using namespace std::chrono_literals;

namespace {

std::unique_ptr<ExportDestination> destination_for(const NatsCluster& cluster,
                                                   std::int64_t ack_timeout_ms = 3000) {
  auto destination = make_nats_destination(
      {{"url", cluster.urls()}, {"max_pending", 2048}, {"ack_timeout_ms", ack_timeout_ms}});
  REQUIRE_MESSAGE(destination, (destination ? "" : destination.error().message));
  return std::move(destination).value();
}

// Waits until libnats has (re)connected: a destination answers
// {0, "not connected"} until then.
void wait_until_connected(ExportDestination& destination, const ExportRecord& first) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto sent = destination.send(std::span(&first, 1));
    if (sent.acknowledged == 1) return;
    std::this_thread::sleep_for(100ms);
  }
  FAIL("the destination did not connect within 10 s");
}

}  // namespace

TEST_CASE(
    "100,000 records reach the R3 stream exactly once while the stream's leader is killed "
    "and restarted") {
  NatsCluster cluster;
  const auto records = sample_export_records(100'000, 10, 200);
  auto destination = destination_for(cluster);

  // The leader is killed from another thread, in the middle of a send (with
  // publishes and PubAcks in flight, so that some records are stored but
  // their PubAcks lost, and sent again); it is restarted from the sending
  // thread (a node started from a thread that ends would die with it:
  // PR_SET_PDEATHSIG).
  std::atomic<std::size_t> progress{0};
  std::atomic<int> killed{-1};
  std::atomic<bool> done{false};
  std::thread killer([&] {
    while (progress < 30'000) {
      if (done) return;  // the loop gave up before: nothing to kill
      std::this_thread::sleep_for(1ms);
    }
    std::this_thread::sleep_for(15ms);
    int leader = cluster.stream_leader_node();
    if (leader < 0) leader = 0;
    cluster.kill_node(leader);
    killed = leader;
  });
  bool restarted = false;
  ExportSendLoopOptions options;
  options.batch = 1000;
  options.backoff = 200ms;
  options.give_up_after = 4min;
  options.on_progress = [&](std::size_t acknowledged) {
    progress = acknowledged;
    if (!restarted && killed >= 0 && acknowledged >= 60'000) {
      killer.join();
      cluster.restart_node(killed);
      restarted = true;
    }
  };
  const auto result = send_like_the_runner(*destination, records, options);
  done = true;
  if (killer.joinable()) killer.join();
  MESSAGE("sends: " << result.sends << ", short: " << result.short_sends << ", "
                    << result.elapsed.count() << " ms, killed node n" << killed + 1);
  for (const std::string& error : result.errors) MESSAGE("short send: " << error);
  REQUIRE(result.acknowledged == records.size());
  REQUIRE(restarted);
  CHECK(cluster.wait_until_stream_current(60s));

  // The stream holds exactly one message per record: what a resend after a
  // lost PubAck carried again was dropped by the duplicate window.
  CHECK(cluster.stream_messages() == records.size());
  const std::vector<NatsStoredMessage> stored = cluster.read_stream(120s);
  REQUIRE(stored.size() == records.size());
  std::set<std::pair<std::string, std::string>> device_seqs;
  std::set<std::string> offsets;
  for (const NatsStoredMessage& message : stored) {
    const auto device = message.headers.find("Edgehub-Device");
    const auto seq = message.headers.find("Edgehub-Seq");
    REQUIRE(device != message.headers.end());
    REQUIRE(seq != message.headers.end());
    device_seqs.emplace(device->second, seq->second);
    offsets.insert(message.headers.at("Edgehub-Offset"));
  }
  CHECK(device_seqs.size() == records.size());
  CHECK(offsets.size() == records.size());

  // What a consumer sees for one record: subject, payload, identity.
  const ExportRecord& record = records[12'345];
  const auto found = std::find_if(stored.begin(), stored.end(), [&](const NatsStoredMessage& m) {
    return m.headers.at("Edgehub-Offset") == "12345";
  });
  REQUIRE(found != stored.end());
  CHECK(found->subject == "edgehub.site-a." + record.device_id + ".telemetry");
  CHECK(found->data == record.payload);
  CHECK(found->headers.at("Nats-Msg-Id") == "site-a:telemetry:12345");
  CHECK(found->headers.at("Edgehub-Site") == "site-a");
  CHECK(found->headers.at("Edgehub-Stream") == "telemetry");
  CHECK(found->headers.at("Edgehub-Seq") == std::to_string(*record.seq));
  CHECK(found->headers.at("Edgehub-Received-At") == std::to_string(record.received_at_ms));
}

TEST_CASE("a batch sent again after the hub lost its answers is stored once") {
  NatsCluster cluster;
  const auto records = sample_export_records(500, 5, 100);
  auto destination = destination_for(cluster);
  wait_until_connected(*destination, records[0]);
  // The runner resends from its committed position after a crash: here the
  // whole batch, twice, from a second destination as a restarted hub would.
  CHECK(destination->send(records).acknowledged == records.size());
  auto after_restart = destination_for(cluster);
  wait_until_connected(*after_restart, records[0]);
  const auto again = after_restart->send(records);
  CHECK(again.acknowledged == records.size());
  CHECK(again.error.empty());
  CHECK(cluster.stream_messages() == records.size());
}

TEST_CASE(
    "during a whole-cluster outage a send answers at once with nothing acknowledged, "
    "and resumes when the cluster is back") {
  NatsCluster cluster;
  const auto records = sample_export_records(2000, 4, 100);
  auto destination = destination_for(cluster, 2000);
  wait_until_connected(*destination, records[0]);
  REQUIRE(destination->send(std::span(records).subspan(0, 1000)).acknowledged == 1000);

  for (int node = 0; node < 3; ++node) cluster.kill_node(node);
  std::this_thread::sleep_for(300ms);  // libnats sees its socket close
  const auto started = std::chrono::steady_clock::now();
  const auto during = destination->send(std::span(records).subspan(1000, 1000));
  const auto took = std::chrono::steady_clock::now() - started;
  CHECK(during.acknowledged == 0);
  CHECK(during.error.find("not connected") != std::string::npos);
  CHECK(took < 2500ms);  // at most the ack timeout, never for ever

  for (int node = 0; node < 3; ++node) cluster.restart_node(node);
  ExportSendLoopOptions options;
  options.batch = 1000;
  options.give_up_after = 60s;
  const auto rest = send_like_the_runner(*destination, std::span(records).subspan(1000), options);
  CHECK(rest.acknowledged == 1000);
  CHECK(cluster.stream_messages() == records.size());
}

namespace {

void run_openssl(const std::string& arguments) {
  const std::string command =
      edgehub::itest::Programs::openssl().string() + " " + arguments + " 2>/dev/null";
  REQUIRE_MESSAGE(std::system(command.c_str()) == 0, command);
}

// A CA, a server certificate for 127.0.0.1 and a client certificate, ECDSA P-256.
void make_certificates(const std::filesystem::path& dir) {
  const std::string d = dir.string();
  run_openssl(
      "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "
      "/CN=nats-test-ca -keyout " +
      d + "/ca.key -out " + d + "/ca.pem");
  for (const std::string name : {"server", "client"}) {
    const std::string usage = name == "server" ? "serverAuth" : "clientAuth";
    edgehub::itest::write_text_file(
        dir / (name + ".ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=" + usage + "\n");
    run_openssl("req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=" + name +
                " -keyout " + d + "/" + name + ".key -out " + d + "/" + name + ".csr");
    run_openssl("x509 -req -in " + d + "/" + name + ".csr -CA " + d + "/ca.pem -CAkey " + d +
                "/ca.key -CAcreateserial -days 1 -extfile " + d + "/" + name + ".ext -out " + d +
                "/" + name + ".pem");
  }
}

bool accepts_connections(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  ::close(fd);
  return connected;
}

}  // namespace

TEST_CASE(
    "over TLS with a client certificate and a password file; a wrong password or no client "
    "certificate connects nowhere") {
  edgehub::itest::TempDir dir("nats-tls");
  make_certificates(dir.path());
  edgehub::itest::write_text_file(dir / "password", "s3cret-pw\n");
  edgehub::itest::write_text_file(dir / "wrong-password", "guess\n");
  const int port = edgehub::itest::free_port();
  const std::string d = dir.path().string();
  edgehub::itest::write_text_file(
      dir / "nats.conf",
      "listen: 127.0.0.1:" + std::to_string(port) + "\njetstream { store_dir: \"" + d +
          "/store\" }\ntls {\n  cert_file: \"" + d + "/server.pem\"\n  key_file: \"" + d +
          "/server.key\"\n  ca_file: \"" + d + "/ca.pem\"\n  verify: true\n}\n" +
          "authorization { user: edge, password: \"s3cret-pw\" }\n");
  edgehub::itest::Process server("nats-server", {EDGEHUB_NATS_SERVER, "-c", d + "/nats.conf"},
                                 dir / "nats.log");
  for (int i = 0; i < 200 && !accepts_connections(port); ++i) std::this_thread::sleep_for(25ms);

  const nlohmann::json good{{"url", "tls://127.0.0.1:" + std::to_string(port)},
                            {"ca_file", d + "/ca.pem"},
                            {"cert_file", d + "/client.pem"},
                            {"key_file", d + "/client.key"},
                            {"user", "edge"},
                            {"password_file", d + "/password"},
                            {"subject", "tls.{device}"},
                            {"ack_timeout_ms", 2000}};
  auto destination = make_nats_destination(good);
  REQUIRE_MESSAGE(destination, (destination ? "" : destination.error().message));
  CHECK((*destination)->describe().find("tls") != std::string::npos);
  CHECK((*destination)->describe().find("s3cret") == std::string::npos);

  // The stream, created over the same TLS connection settings by a second
  // libnats client (the destination never creates streams).
  {
    natsOptions* options = nullptr;
    natsOptions_Create(&options);
    const std::string url = "tls://127.0.0.1:" + std::to_string(port);
    natsOptions_SetURL(options, url.c_str());
    natsOptions_SetSecure(options, true);
    natsOptions_LoadCATrustedCertificates(options, (d + "/ca.pem").c_str());
    natsOptions_LoadCertificatesChain(options, (d + "/client.pem").c_str(),
                                      (d + "/client.key").c_str());
    natsOptions_SetUserInfo(options, "edge", "s3cret-pw");
    natsConnection* connection = nullptr;
    REQUIRE(natsConnection_Connect(&connection, options) == NATS_OK);
    jsCtx* js = nullptr;
    natsConnection_JetStream(&js, connection, nullptr);
    jsStreamConfig config;
    jsStreamConfig_Init(&config);
    config.Name = "TLS";
    const char* subjects[] = {"tls.>"};
    config.Subjects = subjects;
    config.SubjectsLen = 1;
    jsStreamInfo* info = nullptr;
    CHECK(js_AddStream(&info, js, &config, nullptr, nullptr) == NATS_OK);
    if (info != nullptr) jsStreamInfo_Destroy(info);
    jsCtx_Destroy(js);
    natsConnection_Destroy(connection);
    natsOptions_Destroy(options);
  }
  const auto records = sample_export_records(100, 2, 64);
  wait_until_connected(**destination, records[0]);
  CHECK((*destination)->send(records).acknowledged == records.size());

  nlohmann::json wrong_password = good;
  wrong_password["password_file"] = d + "/wrong-password";
  nlohmann::json no_client_certificate = good;
  no_client_certificate.erase("cert_file");
  no_client_certificate.erase("key_file");
  for (const nlohmann::json& options : {wrong_password, no_client_certificate}) {
    auto refused = make_nats_destination(options);
    REQUIRE(refused);  // a server that refuses now is not an option error
    std::this_thread::sleep_for(1s);
    const auto sent = (*refused)->send(records);
    CHECK(sent.acknowledged == 0);
    CHECK(sent.error.find("not connected") != std::string::npos);
  }
}
