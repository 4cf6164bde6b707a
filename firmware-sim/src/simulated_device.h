// One simulated device: its own TLS identity and connection, an SDK
// HubClient with its offline buffer in memory (the SDK resends what is not
// acknowledged after a reconnect, since the session is persistent), the SDK's
// reconnect backoff, a telemetry schedule, and the device's behaviour:
//   commands  CommandDesk (latency, failures, redelivered ids); the device
//             is busy for a command's latency: BusyTransport holds its
//             outgoing link meanwhile, without blocking the worker thread
//   twin      TwinState (desired applied, reported back)
//   offline   OfflinePlan (goes offline and comes back; telemetry buffered)
//   flow      the hub's paused/resumed: no new readings while paused
//
// Not thread-safe: one worker thread drives it (drive()), polling fd() for
// poll_events() and calling drive() when it is ready or wakeup_ms() is due.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "ack_log.h"
#include "busy_transport.h"
#include "command_desk.h"
#include "connect_pacer.h"
#include "device_buffers.h"
#include "edgehub/device/hub/hub_client.h"
#include "edgehub/device/posix/tls_connection.h"
#include "edgehub/device/posix/tls_context.h"
#include "edgehub/device/posix/tls_identity.h"
#include "edgehub/device/reliability/backoff.h"
#include "edgehub/device/reliability/offline_buffer.h"
#include "fleet_counters.h"
#include "offline_plan.h"
#include "random_source.h"
#include "sensor_model.h"
#include "twin_state.h"

namespace edgehub::sim {

struct DeviceSettings {
  std::string host;
  std::uint16_t port = 8883;
  // <cert_dir>/<id>.pem and <id>.key: loaded just before the first connect.
  std::filesystem::path cert_dir;
  std::uint32_t interval_ms = 1000;
  std::uint64_t count = 0;  // 0 = until stopped
  std::size_t payload_bytes = 0;
  std::uint16_t keepalive_seconds = 30;
  std::uint32_t connect_timeout_ms = 10'000;
  // How long a stopping device waits for outstanding acknowledgements.
  std::uint32_t stop_grace_ms = 2'000;
  std::size_t offline_buffer_messages = 16;
  CommandBehaviour commands;
  OfflinePlan offline;
  // The fleet's connect ramp (--connect-rate), shared by every device.
  ConnectPacer* pacer = nullptr;
  // A scenario's burst: telemetry interval for every device while not 0.
  const std::atomic<std::uint32_t>* interval_override_ms = nullptr;
};

enum class LinkState : std::uint8_t { offline, connecting, connected, done };

class SimulatedDevice final : private DeviceActions {
 public:
  // trust is the fleet's one TLS context (the CA; shared by every device and
  // worker, it must outlive the device); the device's own certificate and key
  // are loaded from settings.cert_dir just before its first connect.
  SimulatedDevice(std::string id, const device::posix::TlsContext& trust,
                  const DeviceSettings& settings, FleetCounters& counters, AckLog* ack_log,
                  std::uint64_t first_attempt_ms);
  SimulatedDevice(const SimulatedDevice&) = delete;
  SimulatedDevice& operator=(const SimulatedDevice&) = delete;

  void drive(std::uint64_t now_ms);
  // Stop sending; disconnect once outstanding messages are acknowledged (or
  // the grace period is over).
  void request_stop(std::uint64_t now_ms);
  // A scenario's mass disconnect: the connection just ends, as on a network
  // loss, and the device connects again at once (through the connect ramp).
  void drop_connection(std::uint64_t now_ms);

  bool done() const noexcept { return phase_ == Phase::done; }
  LinkState link_state() const noexcept;
  int fd() const noexcept { return connection_.fd(); }
  // Counts connection attempts: a new socket may reuse the number of a closed one.
  std::uint64_t sockets_opened() const noexcept { return sockets_opened_; }
  short poll_events() const noexcept;
  bool has_buffered_input() const noexcept { return connection_.has_buffered_input(); }
  std::uint64_t wakeup_ms() const noexcept { return wakeup_ms_; }
  const std::string& id() const noexcept { return id_; }

 private:
  enum class Phase { waiting, tls_connecting, mqtt, disconnecting, done };

  void start_connecting(std::uint64_t now_ms);
  void continue_tls(std::uint64_t now_ms);
  void drive_mqtt(std::uint64_t now_ms);
  void connection_established(std::uint64_t now_ms);
  void send_due_telemetry(std::uint64_t now_ms);
  bool finished_sending() const noexcept;
  bool connected() const noexcept;
  void connection_failed(std::uint64_t now_ms, device::Status status, const std::string& detail);
  void go_offline(std::uint64_t now_ms);
  void offline_now(std::uint64_t now_ms);
  void finish();
  bool flushing_before_stop(std::uint64_t now_ms) const noexcept {
    return flush_on_stop_ && now_ms < stop_deadline_ms_;
  }
  void plan_wakeup(std::uint64_t now_ms);

  // Commands, twin (simulated_device_behaviour.cpp).
  void send_pending_report();
  void count_command_statistics();
  std::uint64_t uptime_ms() override;
  void set_interval(std::uint32_t interval_ms) override;

  static void on_telemetry_acknowledged(void* context, std::uint64_t seq);
  static void on_command(void* context, const device::hub::Command& command,
                         device::hub::CommandReply& reply);
  static void on_desired(void* context, std::uint64_t version, std::string_view desired_json);
  static void on_flow(void* context, const device::hub::FlowNotice& notice);
  static void on_problem(void* context, device::Status status, const char* what);
  static void on_telemetry_dropped(void* context, std::uint64_t seq);
  static std::uint32_t next_random(void* context);

  std::string id_;
  device::posix::TlsIdentity identity_;  // loaded on the first connect
  const DeviceSettings& settings_;
  FleetCounters& counters_;
  AckLog* ack_log_;
  SensorModel sensors_;
  SeededRandom random_;  // the reconnect backoff's jitter
  SeededRandom behaviour_random_;
  device::reliability::Backoff backoff_;
  std::uint64_t started_ms_;

  // Receive, send, response, report: pages resident only once written.
  DeviceBuffers buffers_;
  std::vector<char> telemetry_buffer_;
  std::vector<std::uint8_t> offline_storage_;
  // Steady-clock publish time (us) of each unacknowledged message, by seq
  // modulo the offline buffer's size: PUBACK latency.
  std::vector<std::uint64_t> sent_at_us_;
  device::reliability::OfflineBuffer offline_buffer_;
  device::posix::TlsConnection connection_;
  BusyTransport link_;  // connection_ as the SDK sees it
  std::unique_ptr<device::hub::HubClient> hub_;

  CommandDesk commands_;
  CommandDeskStatistics commands_counted_;
  TwinState twin_;
  bool report_pending_ = false;
  bool paused_ = false;  // by the hub (flow control)

  Phase phase_ = Phase::waiting;
  bool was_connected_ = false;       // this connection reached CONNACK
  bool ever_connected_ = false;      // some connection did: readings go on while offline
  bool offline_on_purpose_ = false;  // --offline-every: offline until back_online_ms_
  bool stopping_ = false;
  bool completed_ = false;  // --count sent and all acknowledged
  // Stopped while away on purpose with readings buffered: connects once more
  // to deliver them within the grace period.
  bool flush_on_stop_ = false;
  std::uint64_t stop_deadline_ms_ = 0;
  std::uint64_t sockets_opened_ = 0;
  std::uint64_t next_attempt_ms_;
  bool attempt_slot_taken_ = false;           // next_attempt_ms_ is a slot of the connect ramp
  std::uint64_t offline_at_ms_ = UINT64_MAX;  // when this connection goes offline on purpose
  std::uint64_t back_online_ms_ = 0;
  std::uint64_t next_send_ms_ = 0;
  std::uint64_t wakeup_ms_ = 0;
  std::uint64_t sent_ = 0;
  std::uint32_t answered_reported_ = 0;
  std::uint32_t reports_counted_ = 0;
};

}  // namespace edgehub::sim
