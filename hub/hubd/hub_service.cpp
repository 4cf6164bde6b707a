#include "hubd/hub_service.h"

#include <pwd.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include "api/device_enrollment.h"
#include "api/identity_handlers.h"
#include "api/operator_handlers.h"
#include "api/rest_handlers.h"
#include "api/rest_server.h"
#include "broker/broker_supervisor.h"
#include "broker/mosquitto_config.h"
#include "broker/tcp_port.h"
#include "commands/command_dispatcher.h"
#include "commands/command_id.h"
#include "commands/command_worker.h"
#include "commands/sqlite_command_store.h"
#include "edgehub/protocol/json_limits.h"
#include "edgehub/protocol/topics.h"
#include "exports/destination_factory.h"
#include "exports/export_service.h"
#include "flow/device_flow_control.h"
#include "hubd/hub_metrics.h"
#include "hubd/journaled_dead_letters.h"
#include "hubd/log_format.h"
#include "hubd/message_router.h"
#include "hubd/periodic_task.h"
#include "hubd/receive_guard.h"
#include "hubd/service_credentials.h"
#include "ingest/ingest_pipeline.h"
#include "ingest/telemetry_ingestor.h"
#include "journal/file_commit_attempts.h"
#include "journal/group_commit.h"
#include "mqtt/paho_broker_connection.h"
#include "operators/audit_record.h"
#include "operators/operator_store.h"
#include "pki/certificate_authority.h"
#include "pki/trusted_authorities.h"
#include "presence/device_limit_hits.h"
#include "presence/presence_inbox.h"
#include "presence/presence_tracker.h"
#include "registry/sqlite_device_registry.h"
#include "routing/route_store.h"
#include "routing/route_table.h"
#include "streams/retention_task.h"
#include "streams/sqlite_stream_store.h"
#include "twins/twin_service.h"
#include "twins/twin_store.h"

#ifndef EDGEHUB_VERSION
#define EDGEHUB_VERSION "0.0.0"
#endif

namespace edgehub::hub {
namespace {

constexpr std::chrono::days kDeviceCertificateValidity{3650};
constexpr std::chrono::seconds kBrokerConnectTimeout{30};

std::string current_user_name() {
  if (const passwd* entry = ::getpwuid(::geteuid()); entry && entry->pw_name) return entry->pw_name;
  throw std::runtime_error("cannot find the name of user " + std::to_string(::geteuid()) +
                           " (mosquitto.conf needs it for 'user')");
}

void require_file(const std::filesystem::path& file, const std::string& what,
                  const std::string& hint) {
  if (!std::filesystem::is_regular_file(file)) {
    throw std::runtime_error(what + " not found at " + file.string() + " (" + hint + ")");
  }
}

[[noreturn]] void exit_store_broken(const Error& error) {
  spdlog::critical(
      "store: stopping while a message from the broker still cannot be recorded ({}); exiting "
      "without acknowledging it: the broker keeps it for the next hubd",
      error.message);
  spdlog::default_logger()->flush();
  std::_Exit(kExitStoreBroken);
}

}  // namespace

HubService::HubService(HubdOptions options)
    : options_(std::move(options)), layout_(options_.data_dir) {
  if (options_.mqtt_binds.empty()) {
    throw std::runtime_error("--mqtt-bind: at least one address is needed");
  }
  if (Status http = check_http_options(options_); !http) {
    throw std::runtime_error(http.error().message);
  }
}

HubService::~HubService() { stop(); }

void HubService::start() {
  open_state();
  if (options_.http_port != 0) {
    for (const std::string& address : options_.http_binds) {
      if (Status free = check_port_free(address, options_.http_port); !free) {
        throw std::runtime_error("HTTP port: " + free.error().message);
      }
    }
  }
  start_broker();
  connect_broker();
  start_commands();
  start_exports();
  start_rest();
  start_retention();
  certificate_renewal_ = std::make_unique<PeriodicTask>(
      std::chrono::seconds(options_.certificate_check_seconds), [this] { renew_certificates(); });
  certificate_renewal_->start();
  ready_ = true;
  std::string listeners;
  for (const std::string& address : options_.mqtt_binds) {
    listeners += (listeners.empty() ? "" : ",") + format_host_port(address, options_.mqtt_port);
  }
  std::string api;
  for (std::size_t i = 0; i < rests_.size(); ++i) {
    api += std::string(api.empty() ? "" : ",") +
           (rests_[i]->serves_https() ? "https://" : "http://") +
           format_host_port(options_.http_binds[i], rests_[i]->port());
  }
  spdlog::info("hubd ready: mqtt={} http={} data={}", listeners, api, layout_.root().string());
  // Where a person starts (hub/console): on the first API listener.
  if (!api.empty()) spdlog::info("web console: {}/console/", api.substr(0, api.find(',')));
}

void HubService::open_state() {
  // Before anything parses JSON (the journal's recovery does).
  protocol::set_max_json_depth(options_.max_json_depth);
  layout_.prepare();
  open_metrics();
  registry_ = SqliteDeviceRegistry::open(layout_.registry_db(), clock_);
  streams_ = SqliteStreamStore::open(layout_.streams_db());
  for (std::string_view stream : {kTelemetryStream, kDeadLetterStream}) {
    if (Status ensured = streams_->ensure_stream(stream, clock_.now_ms()); !ensured) {
      throw std::runtime_error("streams: " + ensured.error().message);
    }
  }
  authority_ = std::make_unique<CertificateAuthority>(
      CertificateAuthority::load_or_create(layout_.pki_dir(), "edgehub hub CA"));
  ensure_server_certificate(*authority_, layout_, server_certificate_names(), certificate_policy());
  ensure_service_identity(*authority_, *registry_, layout_, certificate_policy());
  trusted_authorities_ = std::make_unique<TrustedAuthorities>(layout_.trusted_cas_dir(),
                                                              authority_->certificate_pem());
  api_token_ = load_or_create_api_token(layout_.api_token_file());
  // The api-token file is the "admin" operator's token (setups from before
  // operators keep working); other operators: hubctl operators add.
  operators_ = OperatorStore::open(layout_.root() / "operators.db");
  if (Status adopted = operators_->adopt_token("admin", Role::admin, api_token_, clock_.now_ms());
      !adopted) {
    throw std::runtime_error(adopted.error().message);
  }
  route_store_ = open_sqlite_route_store(layout_.root() / "routes.db");
  RouteTableSettings route_settings;
  route_settings.on_disabled = [](const std::string& route, const std::string& reason) {
    spdlog::error("routes: route '{}' {}", route, reason);
  };
  routes_ = std::make_unique<RouteTable>(
      *route_store_,
      [this](std::string_view device) {
        auto found = registry_->find(device);
        return found ? found->attributes_json : std::string("{}");
      },
      std::move(route_settings));
  // Commands and presence: <data-dir>/commands.db, presence.db (docs/protocol.md 4, 7).
  command_store_ = SqliteCommandStore::open(layout_.root() / "commands.db");
  presence_ = std::make_unique<PresenceTracker>(layout_.root() / "presence.db", *streams_);
  limit_hits_ = std::make_unique<DeviceLimitHits>(*streams_);
  twin_store_ = TwinStore::open(layout_.root() / "twins.db", twin_limits());
  for (std::string_view stream : {kLifecycleStream, kAuditStream}) {
    if (Status ensured = streams_->ensure_stream(stream, clock_.now_ms()); !ensured) {
      throw std::runtime_error("streams: " + ensured.error().message);
    }
  }
  ingestor_ = std::make_unique<TelemetryIngestor>(
      *streams_, IngestLimits{options_.max_payload_bytes, options_.max_batch_readings},
      routes_.get());
  open_journal();
}

// GET /metrics (hub_metrics.h): what the other parts count already is read
// from them at scrape time; hubd's parts may not exist yet (or any more)
// when a scrape comes.
void HubService::open_metrics() {
  HubMetricSources sources;
  sources.health = [this] { return handlers_ ? handlers_->health_report() : HealthReport{}; };
  sources.connected_devices = [this] {
    std::size_t connected = 0;
    if (presence_) {
      for (const DeviceConnection& device : presence_->all()) connected += device.connected ? 1 : 0;
    }
    return connected;
  };
  sources.limit_hits_by_limit = [this] {
    return limit_hits_ ? limit_hits_->counts().by_limit
                       : std::map<std::string, std::uint64_t, std::less<>>{};
  };
  sources.commands_by_state = [this]() -> Result<std::map<CommandState, std::size_t>> {
    if (!command_store_) return std::map<CommandState, std::size_t>{};
    return command_store_->count_by_state();
  };
  sources.twin_updates = [this] { return twins_ ? twins_->update_counts() : TwinUpdateCounts{}; };
  sources.data_dir = layout_.root();
  sources.journal_dir = layout_.journal_dir();
  sources.presence_journal_dir = layout_.presence_journal_dir();
  sources.version = EDGEHUB_VERSION;
  sources.started_at = std::chrono::system_clock::now();
  metrics_ = std::make_unique<HubMetrics>(std::move(sources));
}

// Messages acknowledged before the last stop but not yet in the streams are
// in the journals: stored before anything new arrives (ingest/ingest_pipeline.h).
void HubService::open_journal() {
  IngestPipelineSettings settings;
  settings.journal_dir = layout_.journal_dir();
  if (!options_.telemetry_via_mqtt) settings.broker_journal_dir = layout_.broker_journal_dir();
  settings.commit.linger = std::chrono::milliseconds(options_.ingest_linger_ms);
  settings.commit.on_stored = [this](std::chrono::steady_clock::duration elapsed) {
    metrics_->store_commit_seconds().observe(elapsed);
  };
  ingest_ = std::make_unique<IngestPipeline>(*ingestor_, *streams_, settings);
}

TwinLimits HubService::twin_limits() const {
  return TwinLimits{options_.max_twin_report_bytes, options_.max_twin_bytes,
                    options_.max_twin_keys};
}

std::string HubService::broker_config_text() const {
  MosquittoConfig config;
  config.bind_addresses = options_.mqtt_binds;
  config.port = options_.mqtt_port;
  config.ca_file = layout_.ca_certificate();
  config.ca_directory = layout_.trusted_cas_dir();
  config.certificate_file = layout_.server_certificate();
  config.key_file = layout_.server_key();
  config.plugin_file = std::filesystem::absolute(options_.plugin).lexically_normal();
  config.registry_file = layout_.registry_db();
  config.persistence_directory = layout_.broker_persistence_dir();
  config.log_file = layout_.broker_log();
  config.run_as_user = current_user_name();
  // The broker lets through packets of twice the largest device message
  // the hub accepts, so that a larger one still reaches the hub and becomes
  // a dead letter with the reason; the twin and command limits keep what
  // hubd publishes under it too.
  config.max_payload_bytes = std::max({options_.max_payload_bytes, options_.max_response_bytes,
                                       options_.max_twin_report_bytes, options_.max_twin_bytes,
                                       options_.max_command_bytes});
  config.max_inflight_messages = options_.broker_max_inflight;
  config.max_queued_messages = options_.broker_max_queued;
  // Device limits, connect deadline, broker connections (issue 11).
  config.device_limits = options_.device_limits;
  config.max_connections = options_.broker_max_connections;
  config.external_broker = options_.broker == BrokerMode::external;
  if (!options_.telemetry_via_mqtt) {
    config.journal_directory = layout_.broker_journal_dir();
    config.journal_max_bytes = options_.journal_max_bytes;
    config.journal_sync_ms = options_.journal_sync_ms;
  }
  config.max_open_files = options_.broker_max_open_files;
  return render_mosquitto_config(config);
}

void HubService::start_broker() {
  const std::string config = broker_config_text();
  if (options_.broker == BrokerMode::external) {
    write_private_file(layout_.broker_config(), config, 0600);
    spdlog::info("broker: external; connecting to {} (a matching configuration is in {})",
                 format_host_port(options_.broker_host,
                                  options_.broker_port ? options_.broker_port : options_.mqtt_port),
                 layout_.broker_config().string());
    return;
  }
  require_file(options_.mosquitto, "mosquitto", "install it or pass --mosquitto");
  require_file(options_.plugin, "the broker plugin",
               "build the target edgehub_mosquitto_auth or pass --plugin");
  BrokerSupervisorSettings settings;
  settings.mosquitto_executable = options_.mosquitto;
  settings.config_file = layout_.broker_config();
  settings.pid_file = layout_.broker_pid_file();
  settings.output_file = layout_.broker_log();
  settings.bind_addresses = options_.mqtt_binds;
  settings.port = options_.mqtt_port;
  settings.max_open_files = options_.broker_max_open_files;
  supervisor_ = std::make_unique<BrokerSupervisor>(settings);
  supervisor_->start(config);
}

void HubService::connect_broker() {
  const bool external = options_.broker == BrokerMode::external;
  PahoConnectionSettings settings;
  settings.host = external ? options_.broker_host : connectable_host(options_.mqtt_binds.front());
  settings.port = external && options_.broker_port ? options_.broker_port : options_.mqtt_port;
  settings.client_id = std::string(kHubServiceId);
  settings.ca_file = layout_.ca_certificate();
  settings.certificate_file = layout_.service_certificate();
  settings.key_file = layout_.service_key();
  settings.subscriptions = {std::string(protocol::kResponsesFilter), std::string(kPresenceFilter),
                            std::string(protocol::kReportedFilter)};
  if (options_.telemetry_via_mqtt) {
    settings.subscriptions.emplace_back(protocol::kTelemetryFilter);
  } else {
    // Telemetry comes from the broker journal; a session from before may
    // still hold the subscription (what it queued still arrives and is
    // stored through hubd's own journal).
    settings.unsubscriptions = {std::string(protocol::kTelemetryFilter)};
  }
  broker_ = make_paho_broker_connection(settings);
  flow_ = std::make_unique<DeviceFlowControl>(*streams_, *broker_, clock_);
  flow_->start();
  ingestor_->set_refusal_listener([this](const RefusedMessage& refused) {
    flow_->on_refused(refused.stream, refused.device_id, refused.seq);
  });

  // Dead letters decided on the MQTT receive thread (responses, twin
  // reports) go through the ingest journal: one write() each there.
  journaled_dead_letters_ =
      std::make_unique<JournaledDeadLetters>(ingest_->own_journal_commit(), *streams_);
  commands_ = std::make_unique<CommandDispatcher>(*registry_, *broker_, *journaled_dead_letters_,
                                                  clock_, random_command_id, *command_store_,
                                                  *presence_, options_.max_queued_commands);
  commands_->set_retention(CommandRetention{std::chrono::hours(options_.command_retention_hours),
                                            options_.command_retention_count});
  commands_->set_limits(CommandLimits{options_.max_command_bytes, options_.max_response_bytes});
  commands_->set_round_trip_observer([this](std::int64_t round_trip_ms) {
    metrics_->command_round_trip_seconds().observe(std::chrono::milliseconds(round_trip_ms));
  });
  command_worker_ = std::make_unique<CommandWorker>(*commands_);
  // A fleet job's deliveries run on the worker, not on the REST thread.
  commands_->set_delivery_scheduler(
      [worker = command_worker_.get()](std::string_view device) { worker->device_ready(device); });
  twins_ = std::make_unique<TwinService>(*registry_, *twin_store_, *broker_, *presence_,
                                         *journaled_dead_letters_, clock_, twin_limits());
  command_worker_->set_connect_hook([this](const std::string& device) {
    if (Status sent = twins_->device_connected(device); !sent) {
      spdlog::warn("twins: cannot send the desired properties to '{}': {}", device,
                   sent.error().message);
    }
  });
  ingest_->start();
  open_presence_inbox();
  // Responses and twin reports are handled on the receive thread, outside
  // the journal: their own poison guard (hubd/receive_guard.h).
  auto notes = FileCommitAttempts::open(layout_.journal_dir() / "receive-attempt");
  if (!notes) throw std::runtime_error(notes.error().message);
  receive_attempts_ = std::move(*notes);
  receive_guard_ =
      std::make_unique<ReceiveGuard>(*receive_attempts_, GroupCommitSettings{}.max_attempts);
  router_ = std::make_unique<MessageRouter>(
      InboundHandlers{
          .telemetry =
              [this](std::string_view topic, std::string_view payload,
                     std::int64_t received_at_ms) {
                return ingest_->submit(received_at_ms, topic, payload);
              },
          .response =
              [this](std::string_view topic, std::string_view payload) {
                return commands_->on_response(topic, payload);
              },
          .twin_report =
              [this](std::string_view topic, std::string_view payload) {
                return twins_->on_reported(topic, payload);
              },
          .presence =
              [this](std::string_view topic, std::string_view payload) {
                return presence_inbox_->submit(clock_.now_ms(), topic, payload);
              },
          .set_aside =
              [this](std::string_view topic, std::string_view payload, const std::string& reason,
                     std::int64_t received_at_ms) {
                protocol::ParsedTopic parsed{};
                const std::string_view device =
                    protocol::parse_device_topic(topic, parsed) ? parsed.device_id : "";
                return status_of(journaled_dead_letters_->append(
                    make_dead_letter(topic, device, payload, reason, received_at_ms)));
              }},
      clock_, StoreRetryPolicy{}, exit_store_broken, receive_guard_.get());
  broker_->set_message_handler(
      [this](const IncomingMessage& message) { router_->handle(message); });
  if (Status started = broker_->start(); !started) {
    throw std::runtime_error("MQTT: " + started.error().message);
  }
  if (broker_->wait_until_connected(kBrokerConnectTimeout)) return;
  const std::string problem =
      "not connected to the broker at " + format_host_port(settings.host, settings.port) + " as '" +
      settings.client_id + "' after " + std::to_string(kBrokerConnectTimeout.count()) + " s";
  if (!external) {
    throw std::runtime_error(problem + "; see " + layout_.broker_log().string());
  }
  spdlog::warn("mqtt: {}; still trying (GET /api/v1/health shows broker_connected)", problem);
}

// Presence events, limit hits and subscriptions from the broker plugin:
// journaled on the receive thread, applied on the inbox's thread
// (presence/presence_inbox.h). What a killed hubd journaled but did not
// apply is applied here, before the broker connection starts.
void HubService::open_presence_inbox() {
  PresenceInboxSettings settings;
  settings.journal_dir = layout_.presence_journal_dir();
  PresenceFollowUps follow_ups;
  follow_ups.subscribed_to_commands = [this](const std::string& device) {
    command_worker_->device_ready(device);
  };
  follow_ups.subscribed_to_desired = [this](const std::string& device) {
    command_worker_->device_connected(device);
  };
  presence_inbox_ = std::make_unique<PresenceInbox>(*presence_, *limit_hits_, *streams_,
                                                    std::move(follow_ups), std::move(settings));
  presence_inbox_->start();
}

void HubService::start_commands() {
  // Restart recovery: what was sent before and is past its deadline is
  // timed-out, what was queued past its expiry is expired; the rest stays.
  if (Status recovered = commands_->sweep(); !recovered) {
    throw std::runtime_error("commands: " + recovered.error().message);
  }
  command_worker_->start();
  for (const DeviceConnection& device : presence_->all()) {
    if (!device.connected) continue;
    command_worker_->device_ready(device.device_id);
    command_worker_->device_connected(device.device_id);
  }
}

void HubService::start_rest() {
  const CertificateAuthority& authority = *authority_;
  const TrustedAuthorities& trusted = *trusted_authorities_;
  enrollment_ = std::make_unique<DeviceEnrollment>(
      *registry_,
      EnrollmentAuthority{[&authority](std::string_view common_name) {
                            return authority.issue_client(common_name, kDeviceCertificateValidity);
                          },
                          [&authority](std::string_view common_name, std::string_view request) {
                            return authority.sign_client_request(request, common_name,
                                                                 kDeviceCertificateValidity);
                          },
                          [&trusted](std::string_view certificate, std::string_view common_name) {
                            return trusted.check_device_certificate(certificate, common_name);
                          },
                          authority.certificate_pem(),
                          CertificateAuthority::fingerprint_of_pem(authority.certificate_pem())});
  identities_ = std::make_unique<IdentityHandlers>(*registry_, *enrollment_, *trusted_authorities_,
                                                   [this] { return clock_.now_ms(); });
  handlers_ = std::make_unique<RestHandlers>(RestDependencies{
      *registry_, *streams_, *commands_, *enrollment_,
      [this] {
        HealthReport report;
        report.broker_connected = broker_ && broker_->is_connected();
        const IngestCounters counters = ingestor_->counters();
        const IngestPipelineStats ingest = ingest_->stats();
        if (!ingest.store_error.empty()) {
          report.problems.push_back(
              "telemetry waits in the journal: the streams cannot store it (" + ingest.store_error +
              ")");
        }
        const PresenceInboxStats presence =
            presence_inbox_ ? presence_inbox_->stats() : PresenceInboxStats{};
        if (!presence.store_error.empty()) {
          report.problems.push_back(
              "presence events wait in the journal: they cannot be recorded (" +
              presence.store_error + ")");
        }
        const MessageRouter::StoreState inbound =
            router_ ? router_->store_state() : MessageRouter::StoreState{};
        if (inbound.failing_since_ms != 0) {
          report.problems.push_back(
              "a message from the broker cannot be recorded (" + inbound.last_error + ") for " +
              std::to_string((clock_.now_ms() - inbound.failing_since_ms) / 1000) +
              " s; the broker holds it and those after it");
        }
        report.counters = {
            {"telemetry_received", counters.handled()},
            {"telemetry_stored", counters.stored},
            {"telemetry_duplicates", counters.duplicates},
            {"telemetry_deadlettered", counters.deadlettered},
            {"responses_deadlettered", commands_->dead_lettered_responses()},
            {"store_failures", counters.store_failures},
            {"inbound_store_failed_attempts", inbound.failed_attempts},
            {"telemetry_routed", counters.routed},
            {"route_failures", counters.route_failures},
            {"telemetry_refused", counters.refused},
            {"devices_paused", flow_ ? flow_->paused_devices() : 0u},
            {"commands_waiting", commands_->waiting()},
            {"ingest_backlog", ingest.backlog},
            {"ingest_backlog_bytes", ingest.backlog_bytes},
            {"ingest_set_aside", ingest.set_aside + presence.set_aside},
            {"presence_backlog", presence.backlog},
            {"broker_journal_segments", ingest.broker_journal_segments},
            {"broker_journal_bytes", ingest.broker_journal_bytes},
            {"broker_journal_torn_tails", ingest.broker_journal_torn_tails},
            {"broker_journal_corrupt_regions", ingest.broker_journal_corrupt_regions},
            {"broker_restarts", supervisor_ ? supervisor_->restart_count() : 0u},
            {"device_limit_hits", limit_hits_->total()}};
        report.counters.merge(exports_->counters());
        return report;
      },
      EDGEHUB_VERSION});
  handlers_->set_routes(*routes_);
  handlers_->set_presence(*presence_);
  handlers_->set_limit_hits(*limit_hits_);
  handlers_->set_twins(*twins_);
  handlers_->set_identities(*identities_);
  handlers_->set_metrics(metrics_->registry());
  handlers_->streams().set_refusals_by_device(
      [this](std::string_view stream) { return flow_->refused_by_device(stream); });
  operator_handlers_ =
      std::make_unique<OperatorHandlers>(*operators_, [this] { return clock_.now_ms(); });
  handlers_->set_operators(*operator_handlers_);
  export_handlers_ = std::make_unique<ExportHandlers>(*exports_);
  handlers_->set_exports(*export_handlers_);
  RestServerSettings settings;
  settings.port = options_.http_port;
  if (!options_.http_plain) {
    // The broker's server certificate (its names include the API's
    // addresses), or the operator's own.
    const bool own = !options_.http_certificate.empty();
    settings.tls_certificate_file = own ? options_.http_certificate : layout_.server_certificate();
    settings.tls_key_file = own ? options_.http_key : layout_.server_key();
  }
  settings.authenticate = [this](std::string_view token) {
    return operators_->authenticate(token);
  };
  settings.audit = [this](const AuditEntry& entry) {
    if (auto appended = streams_->append(make_audit_record(entry)); !appended) {
      spdlog::error("audit: {} {} by {} ({}) not recorded: {}", entry.method, entry.path,
                    entry.operator_name, entry.status, appended.error().message);
    }
  };
  settings.max_connections = options_.http_max_connections;
  settings.max_unauthenticated_connections = options_.http_max_unauthenticated;
  settings.max_body_bytes = options_.http_max_body_bytes;
  for (const std::string& address : options_.http_binds) {
    settings.bind_address = address;
    rests_.push_back(std::make_unique<RestServer>(*handlers_, settings));
    if (Status started = rests_.back()->start(); !started) {
      throw std::runtime_error("HTTP: " + started.error().message);
    }
  }
}

std::vector<std::string> HubService::server_certificate_names() const {
  std::vector<std::string> addresses = options_.mqtt_binds;
  addresses.insert(addresses.end(), options_.http_binds.begin(), options_.http_binds.end());
  return server_subject_alt_names(addresses, options_.server_names);
}

void HubService::reload_api_certificate() {
  for (const auto& rest : rests_) {
    if (Status reloaded = rest->reload_certificate(); !reloaded) {
      spdlog::error("pki: the REST API keeps its old certificate: {}", reloaded.error().message);
    }
  }
}

CertificatePolicy HubService::certificate_policy() const {
  return CertificatePolicy{std::chrono::days(options_.server_certificate_days),
                           std::chrono::days(options_.service_certificate_days),
                           std::chrono::days(options_.certificate_renew_days)};
}

void HubService::reload(const HubdOptions& updated) {
  spdlog::set_level(spdlog::level::from_str(updated.log_level));
  apply_log_format(updated.log_format);
  std::vector<std::string> restart_needed;
  if (updated.mqtt_binds != options_.mqtt_binds) restart_needed.emplace_back("--mqtt-bind");
  if (updated.mqtt_port != options_.mqtt_port) restart_needed.emplace_back("--mqtt-port");
  if (updated.http_binds != options_.http_binds) restart_needed.emplace_back("--http-bind");
  if (updated.http_plain != options_.http_plain) restart_needed.emplace_back("--http-plain");
  if (updated.http_port != options_.http_port) restart_needed.emplace_back("--http-port");
  if (updated.data_dir != options_.data_dir) restart_needed.emplace_back("--data-dir");
  if (updated.site_id != options_.site_id) restart_needed.emplace_back("--site-id");
  for (const std::string& option : restart_needed) {
    spdlog::warn("reload: {} changed; it takes effect when hubd restarts", option);
  }
  {
    std::lock_guard lock(certificates_mutex_);
    if (updated.server_names != options_.server_names) {
      spdlog::info("reload: server names changed; the server certificate is issued anew");
      options_.server_names = updated.server_names;
    }
  }
  const bool reloaded_by_renewal = renew_certificates();
  // The operator's own certificate (--http-cert) may have been replaced.
  reload_api_certificate();
  if (!reloaded_by_renewal && supervisor_) {
    if (Status reloaded = supervisor_->reload(); !reloaded) {
      spdlog::error("reload: broker: {}", reloaded.error().message);
    }
  }
  spdlog::info("reload: done (log level {}, log format {})", updated.log_level, updated.log_format);
}

bool HubService::renew_certificates() {
  std::lock_guard lock(certificates_mutex_);
  bool broker_reloaded = false;
  try {
    const bool server = ensure_server_certificate(*authority_, layout_, server_certificate_names(),
                                                  certificate_policy());
    if (server) reload_api_certificate();
    if (server && supervisor_) {
      if (Status reloaded = supervisor_->reload(); !reloaded) {
        spdlog::error("pki: the broker did not load the new server certificate: {}",
                      reloaded.error().message);
      } else {
        broker_reloaded = true;
        spdlog::info(
            "pki: the broker loads the new server certificate (SIGHUP; devices stay "
            "connected)");
      }
    } else if (server) {
      spdlog::warn(
          "pki: a new server certificate is in {}: make the external broker load it "
          "(kill -HUP its pid)",
          layout_.server_certificate().string());
    }
    if (ensure_service_identity(*authority_, *registry_, layout_, certificate_policy())) {
      spdlog::info("pki: hubd reconnects to the broker with its new certificate");
    }
  } catch (const std::exception& failure) {
    spdlog::error("pki: certificate renewal failed (retried in {} s): {}",
                  options_.certificate_check_seconds, failure.what());
  }
  return broker_reloaded;
}

void HubService::start_retention() {
  retention_ = std::make_unique<RetentionTask>(
      *streams_, clock_, RetentionTaskSettings{}, [this](const Result<RetentionRun>& run) {
        if (!run) {
          spdlog::error("retention: {}", run.error().message);
        } else if (run->deleted_records > 0) {
          spdlog::debug("retention: deleted {} records ({} payload bytes)", run->deleted_records,
                        run->deleted_bytes);
        }
        if (flow_) flow_->check_resumed();
      });
  retention_->start();
}

void HubService::start_exports() {
  const std::string site_id = site_id_or_stored(options_.site_id, layout_.site_id_file());
  exports_ = std::make_unique<ExportService>(
      *streams_, clock_, ExportServiceSettings{site_id, make_export_destination, {}});
  if (Status started = exports_->start(); !started) {
    throw std::runtime_error("exports: " + started.error().message);
  }
  spdlog::info("exports: site id {}", site_id);
}

void HubService::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (certificate_renewal_) certificate_renewal_->stop();
  // Before the waits are interrupted: a runner would spin on them.
  if (exports_) exports_->stop();
  // Tails (long-poll, Server-Sent Events) end now, not at their timeout.
  if (streams_) streams_->interrupt_waits();
  if (retention_) retention_->stop();
  // Requests waiting for a device's answer end now (503), not at their timeout.
  if (commands_) commands_->shut_down();
  for (const auto& rest : rests_) rest->stop();
  if (command_worker_) command_worker_->stop();
  if (flow_) flow_->stop();
  // A message the store cannot take ends hubd now (unacknowledged: the broker
  // keeps it) instead of holding the broker connection's stop.
  if (router_) router_->stop();
  if (broker_) broker_->stop();
  // What was acknowledged is applied now (else at the next start).
  if (presence_inbox_) presence_inbox_->stop();
  // What was acknowledged goes into the streams now (else at the next start).
  if (ingest_) ingest_->stop();
  if (supervisor_) supervisor_->stop();
  if (ready_) {
    const IngestCounters counters = ingestor_->counters();
    spdlog::info(
        "hubd stopped: telemetry stored={} duplicates={} deadlettered={} store_failures={}",
        counters.stored, counters.duplicates, counters.deadlettered, counters.store_failures);
  }
}

}  // namespace edgehub::hub
