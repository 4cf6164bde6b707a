// demonstrates: a device on Linux from the folder the operator hands over
// (docs/device-onboarding.md). It reads its certificate, key, the hub's CA
// and the hub's address from that folder, connects over TLS (the POSIX
// port, OpenSSL: the broker's certificate must name the host it connects
// to), sends the machine's load and uptime every --interval seconds,
// answers ping and set-interval (the SDK) and echo (here), reconnects with
// backoff, and on SIGINT/SIGTERM waits briefly for outstanding PUBACKs and
// disconnects. --make-csr makes the device's own key and a CSR instead (the
// key never leaves the device).
//
// Exit codes: 0 stopped by a signal (or --make-csr done), 2 bad options or
// a folder without what the device needs.
#include <poll.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>

#include "device_folder.h"
#include "device_options.h"
#include "edgehub/device/hub/hub_client.h"
#include "edgehub/device/posix/key_request.h"
#include "edgehub/device/posix/monotonic_clock.h"
#include "edgehub/device/posix/tls_connection.h"
#include "edgehub/device/reliability/backoff.h"
#include "edgehub/device/reliability/memory_storage.h"

using namespace edgehub::device;
using edgehub::example::DeviceIdentity;
using edgehub::example::DeviceOptions;

namespace {

volatile std::sig_atomic_t stop_requested = 0;
void request_stop(int) { stop_requested = 1; }

std::uint64_t epoch_us() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

// A reading of this machine: 1-minute load average and uptime.
std::string read_measurement() {
  double load = 0, uptime = 0;
  std::ifstream("/proc/loadavg") >> load;
  std::ifstream("/proc/uptime") >> uptime;
  char text[96];
  std::snprintf(text, sizeof text, R"({"load1":%.2f,"uptime_s":%.0f})", load, uptime);
  return text;
}

// The device's own command: echo answers with the payload it got.
void on_command(void*, const hub::Command& command, hub::CommandReply& reply) {
  if (command.name() != "echo") {
    // As the SDK answers when there is no on_command at all.
    constexpr std::string_view kUnknown = R"({"error":"unknown command"})";
    reply.status = hub::kStatusUnknownCommand;
    if (kUnknown.size() <= reply.capacity) {
      std::memcpy(reply.payload, kUnknown.data(), kUnknown.size());
      reply.length = kUnknown.size();
    }
    return;
  }
  if (command.payload().size() > reply.capacity) {
    reply.status = hub::kStatusBadRequest;
    return;
  }
  std::memcpy(reply.payload, command.payload().data(), command.payload().size());
  reply.length = command.payload().size();
}

struct DeviceLog {
  std::string id;
  bool verbose = false;
  std::uint64_t acknowledged = 0;
};

void on_acknowledged(void* context, std::uint64_t seq) {
  auto* log = static_cast<DeviceLog*>(context);
  ++log->acknowledged;
  if (log->verbose)
    std::fprintf(stderr, "%s: seq %" PRIu64 " acknowledged\n", log->id.c_str(), seq);
}

void on_problem(void* context, Status status, const char* what) {
  std::fprintf(stderr, "%s: %s (%s)\n", static_cast<DeviceLog*>(context)->id.c_str(), what,
               status_name(status));
}

std::uint32_t interval_ms = 10'000;
void on_set_interval(void*, std::uint32_t new_interval_ms) { interval_ms = new_interval_ms; }

int make_key_and_csr(const DeviceOptions& options) {
  const std::string base = options.folder + "/" + options.make_csr_for;
  std::string error;
  if (posix::make_key_and_request(options.make_csr_for, {base + ".key", base + ".csr"}, error) !=
      Status::ok) {
    std::fprintf(stderr, "edgehub-linux-device: %s\n", error.c_str());
    return 2;
  }
  std::printf("%s.csr\nnext, on the hub: hubctl devices enroll %s --csr %s.csr --out DIR\n",
              base.c_str(), options.make_csr_for.c_str(), options.make_csr_for.c_str());
  return 0;
}

// Runs until SIGINT/SIGTERM; returns the exit code.
int run(const DeviceIdentity& identity, const std::string& host, std::uint16_t port, bool verbose) {
  posix::TlsContext tls;
  if (tls.load(identity.files) != Status::ok) {
    std::fprintf(stderr, "edgehub-linux-device: %s\n", tls.error().c_str());
    return 2;
  }
  posix::TlsConnection connection(tls);
  const Clock clock = posix::monotonic_clock();
  Xorshift32 random(static_cast<std::uint32_t>(epoch_us()));
  reliability::ReconnectSchedule reconnect(clock, reliability::Backoff(random.source()));

  static std::uint8_t send_buffer[2048], receive_buffer[4096];
  static char telemetry_buffer[256], response_buffer[1024];
  static std::uint8_t offline_memory[reliability::OfflineBuffer::storage_size(64, 256)];
  static reliability::OfflineBuffer offline(
      reliability::memory_storage(offline_memory, sizeof offline_memory),
      reliability::OverflowPolicy::drop_oldest);
  (void)offline.open();  // fresh memory: formatted, empty
  hub::HubClientBuffers buffers;
  buffers.mqtt = {send_buffer, sizeof send_buffer, receive_buffer, sizeof receive_buffer};
  buffers.telemetry = telemetry_buffer;
  buffers.telemetry_capacity = sizeof telemetry_buffer;
  buffers.response = response_buffer;
  buffers.response_capacity = sizeof response_buffer;
  buffers.offline = &offline;
  DeviceLog log{identity.device_id, verbose, 0};
  hub::HubCallbacks callbacks;
  callbacks.context = &log;
  callbacks.on_telemetry_acknowledged = &on_acknowledged;
  callbacks.on_set_interval = &on_set_interval;
  callbacks.on_command = &on_command;
  callbacks.on_problem = &on_problem;
  hub::HubClient client(identity.device_id.c_str(), connection.transport(), clock, buffers,
                        callbacks);
  client.set_next_seq(epoch_us());  // seq keeps increasing across restarts
  const char* id = identity.device_id.c_str();
  std::fprintf(stderr, "%s: connecting to %s:%u (certificate %s)\n", id, host.c_str(), port,
               identity.files.certificate_file.c_str());

  bool was_ready = false;
  std::uint64_t sent = 0;
  std::uint32_t last_reading_ms = posix::monotonic_ms() - interval_ms;  // first reading at once
  const auto lost = [&](const char* what, const std::string& detail) {
    connection.close();
    client.connection_lost();
    const std::uint32_t delay = reconnect.failed();
    std::fprintf(stderr, "%s: %s: %s; retrying in %u ms\n", id, what, detail.c_str(), delay);
    was_ready = false;
  };
  while (!stop_requested) {
    if (client.state() == hub::HubState::disconnected && reconnect.attempt_due()) {
      if (connection.connect(host, port, 10'000) != Status::ok) {
        lost("cannot connect", connection.last_error());
      } else if (client.connect(hub::HubConnectOptions{}) != Status::ok) {
        lost("cannot connect", "MQTT CONNECT not sent");
      }
    }
    if (client.state() != hub::HubState::disconnected) {
      const Status status = client.process();
      if (status != Status::ok) {
        std::string detail = status_name(status);
        if (client.mqtt().connack_return_code() != 0) {
          detail += " (CONNACK " + std::to_string(client.mqtt().connack_return_code()) +
                    ": the hub refused this device; its broker log says why)";
        } else if (!connection.last_error().empty()) {
          detail += ": " + connection.last_error();
        }
        lost(was_ready ? "connection lost" : "cannot connect", detail);
      } else if (client.state() == hub::HubState::ready && !was_ready) {
        was_ready = true;
        reconnect.connected();
        std::fprintf(stderr, "%s: connected\n", id);
      }
    }
    if (elapsed_ms(last_reading_ms, posix::monotonic_ms()) >= interval_ms) {
      last_reading_ms = posix::monotonic_ms();
      // Kept in the offline buffer until its PUBACK, also while offline.
      if (client.send_telemetry(read_measurement(), epoch_us() / 1000, nullptr) == Status::ok) {
        ++sent;
      }
    }
    if (connection.has_buffered_input()) continue;
    const std::uint32_t until_reading =
        interval_ms - std::min(interval_ms, elapsed_ms(last_reading_ms, posix::monotonic_ms()));
    pollfd waiting{connection.fd(), connection.poll_events(client.has_pending_send()), 0};
    // Wakes for the socket, the next reading, or after 200 ms (keepalive,
    // reconnect timer); a signal interrupts it.
    ::poll(&waiting, connection.is_established() ? 1 : 0,
           static_cast<int>(std::min<std::uint32_t>(until_reading, 200)));
  }

  // Stopping: give outstanding telemetry up to 2 s for its PUBACK.
  const std::uint32_t stop_started_ms = posix::monotonic_ms();
  while (client.state() == hub::HubState::ready && client.unacknowledged_telemetry() != 0 &&
         elapsed_ms(stop_started_ms, posix::monotonic_ms()) < 2'000) {
    if (client.process() != Status::ok) break;
    pollfd waiting{connection.fd(), connection.poll_events(client.has_pending_send()), 0};
    ::poll(&waiting, 1, 50);
  }
  if (client.state() != hub::HubState::disconnected && client.disconnect() == Status::ok) {
    for (int round = 0; round < 20 && client.state() != hub::HubState::disconnected; ++round) {
      if (client.process() != Status::ok) break;
      pollfd waiting{connection.fd(), POLLOUT, 0};
      ::poll(&waiting, 1, 50);
    }
  }
  connection.close();
  std::fprintf(stderr,
               "%s: stopped: %" PRIu64 " readings sent, %" PRIu64
               " acknowledged, %zu not acknowledged\n",
               id, sent, log.acknowledged, client.unacknowledged_telemetry());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const DeviceOptions options = edgehub::example::parse_options(argc, argv);
  if (!options.make_csr_for.empty()) return make_key_and_csr(options);

  std::string error;
  const auto identity =
      edgehub::example::find_device_identity(options.folder, options.certificate, error);
  const auto address =
      identity ? edgehub::example::read_hub_address(options.folder, error) : std::nullopt;
  if (!identity || !address) {
    std::fprintf(stderr, "edgehub-linux-device: %s\n", error.c_str());
    return 2;
  }
  const std::string host = options.host.empty() ? address->host : options.host;
  if (host.empty()) {
    std::fprintf(stderr,
                 "edgehub-linux-device: no hub address: pass --host, or write `host = NAME` "
                 "(a name or address in the hub's server certificate) to %s/hub.conf "
                 "(hubctl devices add|enroll --hub-address HOST:PORT does)\n",
                 options.folder.c_str());
    return 2;
  }
  if (const std::string warning =
          edgehub::example::validity_warning(identity->files.certificate_file);
      !warning.empty()) {
    std::fprintf(stderr, "edgehub-linux-device: warning: %s\n", warning.c_str());
  }
  interval_ms = options.interval_ms;

  // Stop on SIGINT/SIGTERM: no SA_RESTART, so that poll() returns at once.
  struct sigaction stop {};
  stop.sa_handler = &request_stop;
  sigemptyset(&stop.sa_mask);
  sigaction(SIGINT, &stop, nullptr);
  sigaction(SIGTERM, &stop, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a write to a closed connection is an error, not a death
  return run(*identity, host, options.port != 0 ? options.port : address->port, options.verbose);
}
