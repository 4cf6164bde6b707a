// hubd's wiring: data directory, registry, streams, CA and certificates,
// broker (supervised or external), MQTT connection, ingest, commands, REST.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "clock/clock.h"
#include "hubd/data_directory.h"
#include "hubd/hubd_options.h"
#include "hubd/service_credentials.h"
#include "mqtt/broker_connection.h"
#include "twins/twin_limits.h"

namespace edgehub::hub {

class BrokerConnection;
class BrokerSupervisor;
class CertificateAuthority;
class CommandDispatcher;
class CommandStore;
class CommandWorker;
class DeviceEnrollment;
class ExportHandlers;
class ExportService;
class IdentityHandlers;
class TrustedAuthorities;
class DeviceFlowControl;
class DeviceLimitHits;
class DeviceRegistry;
class FileCommitAttempts;
class HubMetrics;
class IngestPipeline;
class JournaledDeadLetters;
class MessageRouter;
class OperatorHandlers;
class OperatorStore;
class PeriodicTask;
class PresenceInbox;
class PresenceTracker;
class ReceiveGuard;
class TwinService;
class TwinStore;
class RestHandlers;
class RestServer;
class RouteStore;
class RouteTable;
class RetentionTask;
class StreamStore;
class TelemetryIngestor;

// Exit code when the stream store stays broken: the message being handled
// was not acknowledged and the broker redelivers it to the next hubd.
inline constexpr int kExitStoreBroken = 3;

class HubService {
 public:
  explicit HubService(HubdOptions options);
  HubService(const HubService&) = delete;
  HubService& operator=(const HubService&) = delete;
  ~HubService();  // stop()

  // Everything up to the "hubd ready" log line. Throws std::runtime_error
  // with what to fix (bad option, port in use, unreadable files, broker not
  // starting); whatever was started is stopped again by stop().
  void start();
  // REST, MQTT, then the supervised broker. Idempotent.
  void stop();
  // SIGHUP: takes what can change while running from `updated` (the options
  // and config file read again): the log level, the server names (the
  // server certificate is reissued if they changed); renews due
  // certificates; makes the supervised broker reload its certificate and
  // reopen its log. Logs which other changed options need a restart.
  void reload(const HubdOptions& updated);

 private:
  void open_state();
  void open_metrics();
  void open_journal();
  void start_broker();
  void connect_broker();
  void start_rest();
  void start_commands();
  void open_presence_inbox();
  void start_retention();
  // Exports (hub/exports/): their runners, from the positions in streams.db.
  void start_exports();
  CertificatePolicy certificate_policy() const;
  // The server certificate's names: the broker's and the REST API's
  // addresses, the --server-name entries, loopback.
  std::vector<std::string> server_certificate_names() const;
  // The REST API's HTTPS certificate files were replaced: new connections
  // get the new certificate.
  void reload_api_certificate();
  // Renews the hub's certificates that are due (hourly): the broker loads a
  // new server certificate at once (SIGHUP). true if the broker was reloaded.
  bool renew_certificates();
  std::string broker_config_text() const;
  TwinLimits twin_limits() const;

  HubdOptions options_;
  DataDirectory layout_;
  SystemClock clock_;
  std::unique_ptr<HubMetrics> metrics_;  // first: the others report to it until they stop
  std::string api_token_;
  std::unique_ptr<DeviceRegistry> registry_;
  std::unique_ptr<StreamStore> streams_;
  std::unique_ptr<RouteStore> route_store_;
  std::unique_ptr<RouteTable> routes_;
  std::unique_ptr<CertificateAuthority> authority_;
  std::unique_ptr<TelemetryIngestor> ingestor_;
  std::unique_ptr<IngestPipeline> ingest_;
  std::unique_ptr<JournaledDeadLetters> journaled_dead_letters_;
  std::unique_ptr<BrokerSupervisor> supervisor_;
  std::unique_ptr<BrokerConnection> broker_;
  std::unique_ptr<CommandStore> command_store_;
  std::unique_ptr<PresenceTracker> presence_;
  std::unique_ptr<DeviceLimitHits> limit_hits_;
  std::unique_ptr<CommandDispatcher> commands_;
  std::unique_ptr<CommandWorker> command_worker_;
  std::unique_ptr<TwinStore> twin_store_;
  std::unique_ptr<TwinService> twins_;
  // After the command worker and the tracker: stopped and destroyed before them.
  std::unique_ptr<PresenceInbox> presence_inbox_;
  std::unique_ptr<FileCommitAttempts> receive_attempts_;
  std::unique_ptr<ReceiveGuard> receive_guard_;
  std::unique_ptr<MessageRouter> router_;
  std::unique_ptr<TrustedAuthorities> trusted_authorities_;
  std::unique_ptr<DeviceEnrollment> enrollment_;
  std::unique_ptr<IdentityHandlers> identities_;
  std::unique_ptr<OperatorStore> operators_;
  std::unique_ptr<OperatorHandlers> operator_handlers_;
  std::unique_ptr<RestHandlers> handlers_;
  std::vector<std::unique_ptr<RestServer>> rests_;  // one per --http-bind
  std::unique_ptr<DeviceFlowControl> flow_;
  std::unique_ptr<RetentionTask> retention_;
  std::unique_ptr<ExportService> exports_;
  std::unique_ptr<ExportHandlers> export_handlers_;
  std::unique_ptr<PeriodicTask> certificate_renewal_;
  std::mutex certificates_mutex_;  // renewal (its thread) and reload (SIGHUP)
  bool ready_ = false;
  bool stopped_ = false;
};

}  // namespace edgehub::hub
