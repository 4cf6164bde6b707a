// demonstrates: the smallest complete device. Telemetry every 10 s through
// the offline buffer (paused and resumed by the hub's flow control), commands
// answered (ping, set-interval, one of its own), reconnect with backoff and
// jitter; built with EDGEHUB_EXAMPLE_TWINS=1 also twin desired properties
// applied and reported (twins are opt in: setting on_desired turns them on
// and links them). Everything lives in static memory; the board supplies a
// few functions (board.h). footprint.sh builds this for a Cortex-M4 to
// measure the SDK, both ways.
#include <cstdint>

#include "board.h"
#include "edgehub/device/hub/hub_client.h"
#include "edgehub/device/reliability/backoff.h"
#include "edgehub/device/reliability/memory_storage.h"

#ifndef EDGEHUB_EXAMPLE_TWINS
#define EDGEHUB_EXAMPLE_TWINS 0
#endif
#if EDGEHUB_EXAMPLE_TWINS
#include "edgehub/device/hub/json_scanner.h"
#endif

using namespace edgehub::device;

namespace {

constexpr const char* kDeviceId = "boiler-1";

std::uint8_t send_buffer[512];
std::uint8_t receive_buffer[512];
char telemetry_buffer[128];
char response_buffer[192];
#if EDGEHUB_EXAMPLE_TWINS
char report_buffer[160];
#endif
// Eight readings survive an outage (and a warm reset, in a .noinit section).
std::uint8_t offline_memory[reliability::OfflineBuffer::storage_size(8, sizeof telemetry_buffer)];

std::uint32_t interval_ms = 10'000;

void on_set_interval(void*, std::uint32_t new_interval_ms) { interval_ms = new_interval_ms; }

void on_command(void*, const hub::Command& command, hub::CommandReply& reply) {
  if (command.name() == "reboot") {
    board_schedule_reboot();
    reply.status = hub::kStatusOk;
    return;  // null payload
  }
  reply.status = 404;
}

#if EDGEHUB_EXAMPLE_TWINS
hub::HubClient* the_client = nullptr;

// The twin: this device applies what it understands of the desired
// properties and reports the whole document as applied.
void on_desired(void*, std::uint64_t version, std::string_view desired_json) {
  std::string_view value;
  std::uint64_t interval = 0;
  if (json::find_member(desired_json, "interval_ms", &value) == Status::ok &&
      json::read_uint64(value, &interval) == Status::ok && interval >= 10 &&
      interval <= UINT32_MAX) {
    interval_ms = static_cast<std::uint32_t>(interval);
  }
  (void)the_client->report_properties(desired_json, version, nullptr);
}
#endif

}  // namespace

int main() {
  const Transport transport{nullptr, &board_send, &board_recv};
  const Clock clock{nullptr, &board_millis};
  Xorshift32 random(board_unique_seed());
  reliability::ReconnectSchedule reconnect(clock, reliability::Backoff(random.source()));

  static reliability::OfflineBuffer offline(
      reliability::memory_storage(offline_memory, sizeof offline_memory),
      reliability::OverflowPolicy::drop_oldest);
  (void)offline.open();

  hub::HubClientBuffers buffers;
  buffers.mqtt = {send_buffer, sizeof send_buffer, receive_buffer, sizeof receive_buffer};
  buffers.telemetry = telemetry_buffer;
  buffers.telemetry_capacity = sizeof telemetry_buffer;
  buffers.response = response_buffer;
  buffers.response_capacity = sizeof response_buffer;
  buffers.offline = &offline;
  hub::HubCallbacks callbacks;
  callbacks.on_set_interval = &on_set_interval;
  callbacks.on_command = &on_command;
#if EDGEHUB_EXAMPLE_TWINS
  buffers.report = report_buffer;
  buffers.report_capacity = sizeof report_buffer;
  callbacks.on_desired = &on_desired;  // opts in: subscribes to desired, links the twin handling
#endif
  static hub::HubClient client(kDeviceId, transport, clock, buffers, callbacks);
#if EDGEHUB_EXAMPLE_TWINS
  the_client = &client;
  // Report versions increase across reboots: the boot counter in the high half.
  client.set_next_report_version(static_cast<std::uint64_t>(board_boot_count()) << 32 | 1);
#endif

  std::uint32_t last_reading_ms = board_millis(nullptr);
  for (;;) {
    if (client.state() == hub::HubState::disconnected && reconnect.attempt_due()) {
      if (!board_open_connection() || client.connect(hub::HubConnectOptions{}) != Status::ok) {
        board_close_connection();
        (void)reconnect.failed();
      }
    }
    if (client.state() != hub::HubState::disconnected) {
      if (client.process() != Status::ok) {
        board_close_connection();
        (void)reconnect.failed();
      } else if (client.state() == hub::HubState::ready) {
        reconnect.connected();
      }
    }
    const std::uint32_t now = board_millis(nullptr);
    if (elapsed_ms(last_reading_ms, now) >= interval_ms) {
      last_reading_ms = now;
      char reading[24] = R"({"t":)";
      board_format_temperature(reading + 5, sizeof reading - 6);
      std::uint64_t seq = 0;
      (void)client.send_telemetry(reading, hub::kNoTimestamp, &seq);  // stored even offline
    }
    board_wait_for_event();
  }
}
