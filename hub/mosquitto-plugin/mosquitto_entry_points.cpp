// The mosquitto plugin API v5 glue: entry points and event callbacks. Every
// decision is made by the pure code beside this file; this file only
// translates broker events into calls to it, and never lets an exception
// reach the broker (a C program).
#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>
#include <openssl/x509.h>

#include <cerrno>
#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "edgehub/protocol/topics.h"
#include "journal/broker_journal_writer.h"
#include "journal/journal_codec.h"
#include "mosquitto-plugin/access_decision.h"
#include "mosquitto-plugin/admitted_clients.h"
#include "mosquitto-plugin/broker_sockets.h"
#include "mosquitto-plugin/client_certificate.h"
#include "mosquitto-plugin/client_socket.h"
#include "mosquitto-plugin/connect_deadline.h"
#include "mosquitto-plugin/connect_decision.h"
#include "mosquitto-plugin/device_rate_limits.h"
#include "mosquitto-plugin/handshake_time_check.h"
#include "mosquitto-plugin/journal_flow_notices.h"
#include "mosquitto-plugin/journal_sync_thread.h"
#include "mosquitto-plugin/limit_reports.h"
#include "mosquitto-plugin/plugin_options.h"
#include "mosquitto-plugin/presence_announcer.h"
#include "mosquitto-plugin/revocation_poller.h"
#include "mosquitto-plugin/sqlite_registry_reader.h"

#define EDGEHUB_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))

namespace edgehub::hub::mosquitto_auth {
namespace {

struct PluginState {
  // Opens the registry; throws std::runtime_error saying why it cannot.
  explicit PluginState(const PluginOptions& options)
      : registry(options.registry_path),
        presence(static_cast<std::uint64_t>(wall_clock_ms()),
                 static_cast<std::uint64_t>(wall_clock_ms()) * 1000),
        limits(options.device_limits),
        connect_timeout(options.connect_timeout),
        journal_dir(options.journal_dir),
        journal_settings{.max_bytes = options.journal_max_bytes},
        journal_sync_period(options.journal_sync_period),
        journal_flow(options.journal_retry_after) {
    if (options.connect_timeout.count() > 0) deadline.emplace(options.connect_timeout);
  }

  static std::uint64_t wall_clock_us() {
    using namespace std::chrono;
    return static_cast<std::uint64_t>(
        duration_cast<microseconds>(system_clock::now().time_since_epoch()).count());
  }

  static std::int64_t wall_clock_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }

  mosquitto_plugin_id_t* identifier = nullptr;
  SqliteRegistryReader registry;
  AdmittedClients admitted;
  std::optional<RevocationPoller> revocations;
  bool revocation_poll_failing = false;
  PresenceAnnouncer presence;
  bool broker_start_announced = false;
  DeviceRateLimits limits;
  LimitReports reports;
  std::chrono::seconds connect_timeout;
  // nullopt: no connect deadline (0, or the client structure could not be
  // read: then no connection is ever closed by the plugin).
  std::optional<ConnectDeadline> deadline;
  BrokerSockets sockets;
  SteadyTime next_socket_scan{};
  SteadyTime next_limit_prune{};
  // The broker journal (empty journal_dir: telemetry is not journaled here).
  // journal is null while it cannot be opened: telemetry is refused then.
  std::string journal_dir;
  BrokerJournalWriterSettings journal_settings;
  std::chrono::milliseconds journal_sync_period;
  std::unique_ptr<BrokerJournalWriter> journal;
  std::unique_ptr<JournalSyncThread> journal_sync;  // destroyed before journal
  SteadyTime next_journal_check{};
  std::string journal_problem;  // last reported, so that it is logged once
  // Devices told (or to be told) that the journal refuses their telemetry.
  JournalFlowNotices journal_flow;
};

constexpr std::chrono::seconds kLimitPruneInterval{10};
// How often the journal's disk usage is re-read (hubd deletes applied
// segments) and a journal that could not be opened is tried again.
constexpr std::chrono::seconds kJournalCheckInterval{1};

void log(int level, const std::string& message) {
  mosquitto_log_printf(level, "edgehub-auth: %s", message.c_str());
}

// hubd's only trustworthy source of who is connected (hub/presence): QoS 1,
// so that hubd's persistent session keeps the events while hubd is away.
void announce(const std::optional<PresenceMessage>& message) {
  if (!message) return;
  const int published = mosquitto_broker_publish_copy(nullptr, message->topic.c_str(),
                                                      static_cast<int>(message->payload.size()),
                                                      message->payload.data(), 1, false, nullptr);
  if (published != MOSQ_ERR_SUCCESS) {
    mosquitto_log_printf(MOSQ_LOG_WARNING, "edgehub-auth: cannot publish presence on %s (%d)",
                         message->topic.c_str(), published);
  }
}

// A flow notice (docs/protocol.md section 3.2) to one device's client id
// (= its identity): QoS 1, not retained. mosquitto queues it and routes it
// at the start of its next loop iteration.
void send_flow_notice(const std::string& device, std::string_view payload) {
  const std::string topic = "devices/" + device + "/flow";
  const int published =
      mosquitto_broker_publish_copy(device.c_str(), topic.c_str(), static_cast<int>(payload.size()),
                                    payload.data(), 1, false, nullptr);
  if (published != MOSQ_ERR_SUCCESS) {
    mosquitto_log_printf(MOSQ_LOG_WARNING, "edgehub-auth: cannot publish a flow notice on %s (%d)",
                         topic.c_str(), published);
  }
}

// A limit hit: counted, and logged and reported to hubd as often as
// LimitReports allows (a looping device must flood neither).
void report_limit(PluginState& state, const std::string& device, const LimitHit& hit) {
  const auto report = state.reports.hit(device, hit, std::chrono::steady_clock::now());
  if (!report) return;
  mosquitto_log_printf(MOSQ_LOG_WARNING, "edgehub-auth: limited %s: %s: %s (%llu hit(s))",
                       device.empty() ? "connections" : ("'" + device + "'").c_str(),
                       to_string(hit.limit), hit.reason.c_str(),
                       static_cast<unsigned long long>(report->hits));
  announce(state.presence.limited(*report, PluginState::wall_clock_ms()));
}

// An admitted client's socket is exempt from the connect deadline.
void exempt_from_connect_deadline(PluginState& state, mosquitto* client) {
  if (!state.deadline) return;
  auto socket = client_socket_of(client, mosquitto_client_address(client));
  if (!socket && socket.error().code == ErrorCode::unavailable) return;  // the client left
  if (!socket) {
    state.deadline.reset();
    mosquitto_log_printf(MOSQ_LOG_ERR,
                         "edgehub-auth: connect deadline disabled (no connection will be closed "
                         "for not sending CONNECT): %s",
                         socket.error().message.c_str());
    return;
  }
  state.deadline->admitted(socket->inode, std::chrono::steady_clock::now());
}

std::string text_or(const char* text, const char* fallback) {
  return text != nullptr ? std::string(text) : std::string(fallback);
}

// Runs a callback body; an exception is logged and answered with on_failure.
template <typename Body>
int guarded(const char* event_name, int on_failure, Body&& body) noexcept {
  try {
    return body();
  } catch (const std::exception& failure) {
    try {
      log(MOSQ_LOG_ERR, std::string(event_name) + " failed: " + failure.what());
    } catch (...) {
    }
  } catch (...) {
    mosquitto_log_printf(MOSQ_LOG_ERR, "edgehub-auth: %s failed", event_name);
  }
  return on_failure;
}

std::optional<Result<PresentedCertificate>> presented_certificate_of(mosquitto* client) {
  X509* certificate = static_cast<X509*>(mosquitto_client_certificate(client));
  if (certificate == nullptr) return std::nullopt;
  const std::unique_ptr<X509, void (*)(X509*)> owned(certificate, X509_free);
  return read_presented_certificate(*certificate);
}

// True for a session restored from mosquitto's persistence file whose
// client has not reconnected since the broker started: it never had a
// network address in this broker run.
bool is_restored_session(const mosquitto* client) {
  return mosquitto_client_address(client) == nullptr;
}

// The decision for a client the broker asks about: a new connection, or an
// existing session re-checked on SIGHUP (offline sessions have no certificate).
ConnectDecision decide(PluginState& state, mosquitto* client, const std::string& client_id) {
  std::optional<Result<PresentedCertificate>> certificate = presented_certificate_of(client);
  if (!certificate) {
    if (const char* username = mosquitto_client_username(client)) {
      if (const auto role = state.admitted.role_of(username, client)) {
        return recheck_offline_session(username, role, state.registry);
      }
      if (is_restored_session(client) && !state.admitted.knows(username)) {
        return recheck_offline_session(username, std::nullopt, state.registry);
      }
    }
  }
  return authenticate(certificate, client_id, state.registry, PluginState::wall_clock_ms());
}

// The role of a restored session on its first ACL check (see admitted_clients.h).
std::optional<DeviceRole> admit_restored_session(PluginState& state, const mosquitto* client,
                                                 const char* username) {
  const ConnectDecision decision = recheck_offline_session(username, std::nullopt, state.registry);
  if (!decision.admitted) {
    state.admitted.refuse(username, client);
    log(MOSQ_LOG_WARNING,
        std::string("restored session '") + username + "' gets no messages: " + decision.reason);
    return std::nullopt;
  }
  state.admitted.admit(username, decision.role, client);
  log(MOSQ_LOG_NOTICE,
      std::string("admitted restored session '") + username + "': " + decision.reason);
  return decision.role;
}

int on_basic_auth(int, void* event_data, void* user_data) {
  return guarded("basic auth", MOSQ_ERR_AUTH, [&] {
    auto& state = *static_cast<PluginState*>(user_data);
    mosquitto* client = static_cast<mosquitto_evt_basic_auth*>(event_data)->client;
    const std::string client_id = text_or(mosquitto_client_id(client), "");
    const std::string address = text_or(mosquitto_client_address(client), "offline");

    const ConnectDecision decision = decide(state, client, client_id);
    // A client with an address is connecting now (a restored session re-
    // checked on SIGHUP has none); SIGHUP re-checks of live ones are known.
    const bool new_device_connection = decision.admitted && decision.role == DeviceRole::device &&
                                       mosquitto_client_address(client) != nullptr &&
                                       !state.presence.is_announced(client);
    if (new_device_connection) {
      if (const auto hit =
              state.limits.check_connect(decision.identity, std::chrono::steady_clock::now())) {
        report_limit(state, decision.identity, *hit);
        log(MOSQ_LOG_DEBUG, "refused '" + decision.identity + "' from " + address + ": " +
                                to_string(hit->limit) + ": " + hit->reason);
        return MOSQ_ERR_AUTH;
      }
    }
    if (decision.admitted &&
        mosquitto_set_username(client, decision.identity.c_str()) == MOSQ_ERR_SUCCESS) {
      state.admitted.admit(decision.identity, decision.role, client);
      log(MOSQ_LOG_NOTICE,
          "admitted '" + decision.identity + "' from " + address + ": " + decision.reason);
      if (mosquitto_client_address(client) != nullptr) exempt_from_connect_deadline(state, client);
      if (new_device_connection) {
        announce(state.presence.admitted(decision.identity, client, PluginState::wall_clock_ms()));
        // Its telemetry was refused before it reconnected: told now, so that
        // it waits instead of resending into a journal that still refuses.
        if (state.journal_flow.connected(decision.identity, std::chrono::steady_clock::now())) {
          send_flow_notice(decision.identity, state.journal_flow.paused_notice());
          log(MOSQ_LOG_DEBUG, "paused telemetry of '" + decision.identity +
                                  "': the journal cannot take it (flow notice sent)");
        }
      }
      return MOSQ_ERR_SUCCESS;
    }
    // A session admitted before and refused now (SIGHUP re-check) loses its role.
    if (const char* username = mosquitto_client_username(client)) {
      state.admitted.disconnected(username, client, true);
    }
    log(MOSQ_LOG_WARNING,
        "refused client id '" + client_id + "' from " + address + ": " +
            (decision.admitted ? "cannot set the broker username" : decision.reason));
    if (decision.outside_validity) {
      report_limit(state, client_id, LimitHit{DeviceLimit::certificate_validity, decision.reason});
    }
    return MOSQ_ERR_AUTH;
  });
}

// The hub -> device topics whose subscription hubd waits for before sending.
std::optional<std::string_view> announced_leaf(const char* topic) {
  protocol::ParsedTopic parsed{};
  if (!protocol::parse_device_topic(topic, parsed)) return std::nullopt;
  if (parsed.kind != protocol::TopicKind::commands && parsed.kind != protocol::TopicKind::desired) {
    return std::nullopt;
  }
  return protocol::topic_leaf(parsed.kind);
}

std::optional<TopicAccess> topic_access_of(int access) {
  switch (access) {
    case MOSQ_ACL_WRITE:
      return TopicAccess::publish;
    case MOSQ_ACL_SUBSCRIBE:
      return TopicAccess::subscribe;
    case MOSQ_ACL_READ:
      return TopicAccess::receive;
    case MOSQ_ACL_UNSUBSCRIBE:
      return TopicAccess::unsubscribe;
    default:
      return std::nullopt;
  }
}

int on_acl_check(int, void* event_data, void* user_data) {
  return guarded("ACL check", MOSQ_ERR_ACL_DENIED, [&] {
    auto& state = *static_cast<PluginState*>(user_data);
    const auto& event = *static_cast<mosquitto_evt_acl_check*>(event_data);
    const char* username = mosquitto_client_username(event.client);
    const std::optional<TopicAccess> access = topic_access_of(event.access);
    if (username == nullptr || event.topic == nullptr || !access) return MOSQ_ERR_ACL_DENIED;
    std::optional<DeviceRole> role = state.admitted.role_of(username, event.client);
    if (!role && is_restored_session(event.client) && !state.admitted.knows(username)) {
      role = admit_restored_session(state, event.client, username);
    }
    if (may_access(role, username, *access, event.topic)) {
      // The broker is single-threaded: this event reaches hubd, and hubd's
      // answer (queued commands) reaches the broker, only after the
      // subscription being checked here is in place.
      if (*access == TopicAccess::subscribe && role == DeviceRole::device) {
        if (const auto leaf = announced_leaf(event.topic)) {
          announce(state.presence.subscribed(event.client, *leaf, PluginState::wall_clock_ms()));
        }
      }
      return MOSQ_ERR_SUCCESS;
    }
    // Publishes and deliveries can be frequent: denying them is debug noise;
    // a refused subscription is worth an operator's attention.
    log(*access == TopicAccess::subscribe ? MOSQ_LOG_NOTICE : MOSQ_LOG_DEBUG,
        std::string("denied ") + to_string(*access) + " of '" + event.topic + "' to '" + username +
            "'" + (role ? "" : " (not admitted by this plugin)"));
    return MOSQ_ERR_ACL_DENIED;
  });
}

// Opens the broker journal if it is configured and not open; a failure is
// logged once (per distinct reason) and retried on the next check.
void open_journal(PluginState& state) {
  if (state.journal_dir.empty() || state.journal) return;
  auto opened = BrokerJournalWriter::open(state.journal_dir, state.journal_settings,
                                          PluginState::wall_clock_us());
  if (!opened) {
    if (opened.error().message != state.journal_problem) {
      state.journal_problem = opened.error().message;
      log(MOSQ_LOG_ERR,
          "telemetry is refused (no PUBACK) until the journal opens: " + state.journal_problem);
    }
    return;
  }
  state.journal = std::move(*opened);
  state.journal_sync =
      std::make_unique<JournalSyncThread>(*state.journal, state.journal_sync_period);
  state.journal_problem.clear();
  log(MOSQ_LOG_NOTICE, "journaling device telemetry to " + state.journal_dir + " from #" +
                           std::to_string(state.journal->next_sequence()) + " (budget " +
                           std::to_string(state.journal_settings.max_bytes) + " bytes, " +
                           std::to_string(state.journal_sync_period.count()) + " ms fdatasync)");
}

// One write of a device's telemetry to the journal (after re-reading the
// usage once if it is over the budget by the plugin's count).
Status append_telemetry(PluginState& state, const mosquitto_evt_message& event) {
  if (!state.journal) {
    return make_error(
        ErrorCode::unavailable,
        "the journal is not open" +
            (state.journal_problem.empty() ? std::string() : ": " + state.journal_problem));
  }
  const std::string_view payload(static_cast<const char*>(event.payload),
                                 static_cast<std::size_t>(event.payloadlen));
  Status written = state.journal->append(PluginState::wall_clock_ms(), event.topic, payload);
  if (!written && written.error().code == ErrorCode::unavailable) {
    // Over the budget by our count: hubd may have deleted segments since.
    if (state.journal->refresh_usage()) {
      written = state.journal->append(PluginState::wall_clock_ms(), event.topic, payload);
    }
  }
  return written;
}

// Journals a device's telemetry before the broker acknowledges it. An error
// says why it cannot: the caller refuses the message (no PUBACK).
Status journal_telemetry(PluginState& state, const mosquitto_evt_message& event) {
  Status written = append_telemetry(state, event);
  if (written) state.journal_flow.written();
  return written;
}

// Why the journal refused this message: its budget (room comes back when
// hubd deletes what it stored), or anything else.
JournalRefusal refusal_cause(const PluginState& state, const mosquitto_evt_message& event) {
  if (!state.journal) return JournalRefusal::write_failed;
  const std::uint64_t frame_bytes = kJournalFrameHeaderBytes + kJournalBodyFixedBytes +
                                    std::char_traits<char>::length(event.topic) +
                                    static_cast<std::uint64_t>(event.payloadlen);
  return state.journal->bytes_on_disk() + frame_bytes > state.journal_settings.max_bytes
             ? JournalRefusal::over_budget
             : JournalRefusal::write_failed;
}

// The device's telemetry was refused: it is told to wait when it reconnects.
void pause_device_telemetry(PluginState& state, const char* device, JournalRefusal cause) {
  const bool first = state.journal_flow.paused_devices() == 0;
  if (!state.journal_flow.refused(device, cause, std::chrono::steady_clock::now())) {
    log(MOSQ_LOG_DEBUG, std::string("no flow notice for '") + device + "': " +
                            std::to_string(kMaxPausedDevices) + " devices are paused already");
    return;
  }
  if (first) {
    log(MOSQ_LOG_WARNING,
        "the journal refuses telemetry: refused devices are told to pause (retry after " +
            std::to_string(state.journal_flow.retry_after().count()) + " ms) when they reconnect");
  }
}

bool is_device_telemetry(const char* topic) {
  protocol::ParsedTopic parsed{};
  return topic != nullptr && protocol::parse_device_topic(topic, parsed) &&
         parsed.kind == protocol::TopicKind::telemetry;
}

// Per-device limits on every publish that passed the ACL. Over a limit the
// device is disconnected without a PUBACK: it keeps the message and sends it
// again later (MOSQ_ERR_ACL_DENIED instead would drop it and still PUBACK
// an MQTT 3.1.1 client: a silent loss). Only devices are limited.
int on_message(int, void* event_data, void* user_data) {
  // A failure here lets the message through: a bug in the limits must not
  // disconnect the fleet.
  return guarded("message limits", MOSQ_ERR_SUCCESS, [&] {
    auto& state = *static_cast<PluginState*>(user_data);
    const auto& event = *static_cast<mosquitto_evt_message*>(event_data);
    const char* username = mosquitto_client_username(event.client);
    if (username == nullptr) return MOSQ_ERR_SUCCESS;
    if (state.admitted.role_of(username, event.client) != DeviceRole::device) {
      return MOSQ_ERR_SUCCESS;
    }
    const auto hit = state.limits.check_publish(username, event.payloadlen, event.retain,
                                                std::chrono::steady_clock::now());
    if (!hit) {
      if (state.journal_dir.empty() || !is_device_telemetry(event.topic)) return MOSQ_ERR_SUCCESS;
      const Status journaled = journal_telemetry(state, event);
      if (journaled) return MOSQ_ERR_SUCCESS;
      // No PUBACK: the device keeps the message and sends it again later;
      // it is told to wait when it reconnects (journal_flow_notices.h).
      report_limit(state, "",
                   LimitHit{DeviceLimit::journal_unavailable, journaled.error().message});
      pause_device_telemetry(state, username, refusal_cause(state, event));
      errno = journaled.error().code == ErrorCode::unavailable ? ENOSPC : EIO;
      return MOSQ_ERR_ERRNO;  // the broker logs "disconnected: <strerror>"
    }
    report_limit(state, username, *hit);
    // Both disconnect; the broker logs "retain not supported" or
    // "disconnected by administrative action".
    return hit->limit == DeviceLimit::retained ? MOSQ_ERR_NOT_SUPPORTED
                                               : MOSQ_ERR_ADMINISTRATIVE_ACTION;
  });
}

// Closes connections that did not finish TLS + CONNECT within the deadline.
void enforce_connect_deadline(PluginState& state, SteadyTime now) {
  if (!state.deadline || now < state.next_socket_scan) return;
  std::size_t closed = 0;
  for (const ObservedSocket& socket :
       state.deadline->observe(state.sockets.accepted_connections(), now)) {
    if (BrokerSockets::shut_down_connection(socket)) ++closed;
  }
  const auto took = std::chrono::steady_clock::now() - now;
  state.next_socket_scan = now + state.deadline->next_scan_after(took);
  if (closed == 0) return;
  const std::string reason =
      "no TLS handshake and CONNECT within " + std::to_string(state.connect_timeout.count()) + " s";
  log(MOSQ_LOG_NOTICE, "closed " + std::to_string(closed) + " connection(s): " + reason);
  for (std::size_t i = 0; i < closed; ++i) {
    report_limit(state, "", LimitHit{DeviceLimit::connect_timeout, reason});
  }
}

// Once a second, after the usage was re-read: "resumed" to every paused
// device once the journal takes writes again. The budget counts as having
// room below 90% of it, so that a fleet does not flap at the limit.
void resume_paused_devices(PluginState& state) {
  const bool budget_has_room =
      state.journal->bytes_on_disk() <= state.journal_settings.max_bytes / 10 * 9;
  const std::vector<std::string> resumed = state.journal_flow.resume_if_recovered(budget_has_room);
  if (resumed.empty()) return;
  for (const std::string& device : resumed) {
    send_flow_notice(device, JournalFlowNotices::resumed_notice());
  }
  log(MOSQ_LOG_NOTICE, "the journal takes telemetry again: resumed " +
                           std::to_string(resumed.size()) +
                           " paused device(s) (flow notices sent)");
}

// Once a second: the journal's disk usage, a journal to open, sync failures.
void check_journal(PluginState& state, SteadyTime now) {
  if (state.journal_dir.empty() || now < state.next_journal_check) return;
  state.next_journal_check = now + kJournalCheckInterval;
  open_journal(state);
  if (!state.journal) return;
  if (Status refreshed = state.journal->refresh_usage(); !refreshed) {
    log(MOSQ_LOG_WARNING, refreshed.error().message);
  } else {
    resume_paused_devices(state);
  }
  if (const auto failure = state.journal_sync->take_failure()) {
    log(MOSQ_LOG_ERR, "journal fdatasync failed (a power cut could lose telemetry): " + *failure);
  }
}

// Once per tick (mosquitto: at least every 100 ms): limit bookkeeping.
void tick_limits(PluginState& state) {
  const SteadyTime now = std::chrono::steady_clock::now();
  check_journal(state, now);
  enforce_connect_deadline(state, now);
  for (const LimitReport& report : state.reports.due(now)) {
    announce(state.presence.limited(report, PluginState::wall_clock_ms()));
  }
  if (now >= state.next_limit_prune) {
    state.next_limit_prune = now + kLimitPruneInterval;
    state.limits.forget_idle(now);
  }
}

int on_tick(int, void*, void* user_data) {
  guarded("limits tick", MOSQ_ERR_SUCCESS, [&] {
    tick_limits(*static_cast<PluginState*>(user_data));
    return MOSQ_ERR_SUCCESS;
  });
  return guarded("revocation poll", MOSQ_ERR_SUCCESS, [&] {
    auto& state = *static_cast<PluginState*>(user_data);
    if (!state.broker_start_announced) {
      // On the first tick rather than at init: the broker's persistence (and
      // hubd's session waiting for it) is loaded by then.
      state.broker_start_announced = true;
      announce(state.presence.broker_started(PluginState::wall_clock_ms()));
    }
    RevocationPoller::Outcome outcome =
        state.revocations->poll_if_due(std::chrono::steady_clock::now());
    if (outcome.error) {
      if (!state.revocation_poll_failing) {
        log(MOSQ_LOG_WARNING, *outcome.error + " (retrying every poll interval)");
      }
      state.revocation_poll_failing = true;
      return MOSQ_ERR_SUCCESS;
    }
    if (state.revocation_poll_failing) log(MOSQ_LOG_NOTICE, "revocation poll works again");
    state.revocation_poll_failing = false;
    for (const std::string& identity : outcome.revoked) {
      state.admitted.revoke(identity);
      mosquitto_kick_client_by_username(identity.c_str(), false);
      log(MOSQ_LOG_NOTICE, "revoked '" + identity + "': disconnected");
    }
    return MOSQ_ERR_SUCCESS;
  });
}

int on_disconnect(int, void* event_data, void* user_data) {
  return guarded("disconnect", MOSQ_ERR_SUCCESS, [&] {
    auto& state = *static_cast<PluginState*>(user_data);
    mosquitto* client = static_cast<mosquitto_evt_disconnect*>(event_data)->client;
    announce(state.presence.disconnected(client, PluginState::wall_clock_ms()));
    if (const char* username = mosquitto_client_username(client)) {
      // MQTT 5 clients: clean start is taken for "session ends"; a clean-start
      // session with an expiry interval loses queued messages while offline.
      state.admitted.disconnected(username, client, mosquitto_client_clean_session(client));
    }
    return MOSQ_ERR_SUCCESS;
  });
}

struct Registration {
  int event;
  MOSQ_FUNC_generic_callback callback;
};

constexpr Registration kRegistrations[] = {
    {MOSQ_EVT_BASIC_AUTH, on_basic_auth}, {MOSQ_EVT_ACL_CHECK, on_acl_check},
    {MOSQ_EVT_MESSAGE, on_message},       {MOSQ_EVT_TICK, on_tick},
    {MOSQ_EVT_DISCONNECT, on_disconnect},
};

void unregister_all(mosquitto_plugin_id_t* identifier) {
  for (const Registration& registration : kRegistrations) {
    mosquitto_callback_unregister(identifier, registration.event, registration.callback, nullptr);
  }
}

int initialise(mosquitto_plugin_id_t* identifier, void** user_data, mosquitto_opt* options,
               int option_count) {
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  for (int i = 0; i < option_count; ++i) {
    pairs.emplace_back(options[i].key != nullptr ? options[i].key : "",
                       options[i].value != nullptr ? options[i].value : "");
  }
  auto parsed = parse_plugin_options(pairs);
  if (!parsed) {
    log(MOSQ_LOG_ERR, "not loaded: " + parsed.error().message);
    return MOSQ_ERR_INVAL;
  }
  std::unique_ptr<PluginState> state;
  try {
    state = std::make_unique<PluginState>(parsed.value());
  } catch (const std::exception& failure) {
    log(MOSQ_LOG_ERR, std::string("not loaded: ") + failure.what());
    return MOSQ_ERR_INVAL;
  }
  // Revocations older than the broker concern nobody connected.
  auto last_revocation = state->registry.last_revocation_id();
  if (!last_revocation) {
    log(MOSQ_LOG_ERR, "not loaded: " + last_revocation.error().message);
    return MOSQ_ERR_INVAL;
  }
  state->revocations.emplace(state->registry, parsed->revocation_poll_interval,
                             last_revocation.value());
  state->identifier = identifier;
  if (Status deferred = leave_client_certificate_times_to_plugin(); !deferred) {
    log(MOSQ_LOG_ERR, "not loaded: " + deferred.error().message);
    return MOSQ_ERR_INVAL;
  }
  open_journal(*state);
  for (const Registration& registration : kRegistrations) {
    const int registered = mosquitto_callback_register(identifier, registration.event,
                                                       registration.callback, nullptr, state.get());
    if (registered != MOSQ_ERR_SUCCESS) {
      unregister_all(identifier);
      log(MOSQ_LOG_ERR,
          "not loaded: cannot register for broker event " + std::to_string(registration.event));
      return registered;
    }
  }
  const DeviceLimitSettings& limits = parsed->device_limits;
  log(MOSQ_LOG_NOTICE,
      "loaded: registry " + parsed->registry_path + ", revocations polled every " +
          std::to_string(parsed->revocation_poll_interval.count()) + " ms after #" +
          std::to_string(last_revocation.value()) + "; device limits (0 = none): " +
          std::to_string(static_cast<long long>(limits.messages_per_second)) + " msg/s burst " +
          std::to_string(static_cast<long long>(limits.message_burst)) + ", " +
          std::to_string(static_cast<long long>(limits.bytes_per_second)) + " B/s burst " +
          std::to_string(static_cast<long long>(limits.byte_burst)) + ", " +
          std::to_string(static_cast<long long>(limits.connects_per_minute)) +
          " connects/min, retained " + (limits.refuse_retained ? "refused" : "allowed") +
          "; connect timeout " + std::to_string(parsed->connect_timeout.count()) + " s" +
          (parsed->journal_dir.empty() ? "; telemetry not journaled" : ""));
  *user_data = state.release();
  return MOSQ_ERR_SUCCESS;
}

}  // namespace
}  // namespace edgehub::hub::mosquitto_auth

namespace auth = edgehub::hub::mosquitto_auth;

EDGEHUB_PLUGIN_EXPORT int mosquitto_plugin_version(int supported_version_count,
                                                   const int* supported_versions) {
  for (int i = 0; i < supported_version_count; ++i) {
    if (supported_versions[i] == MOSQ_PLUGIN_VERSION) return MOSQ_PLUGIN_VERSION;
  }
  return -1;
}

EDGEHUB_PLUGIN_EXPORT int mosquitto_plugin_init(mosquitto_plugin_id_t* identifier, void** user_data,
                                                mosquitto_opt* options, int option_count) {
  return auth::guarded("plugin init", MOSQ_ERR_UNKNOWN, [&] {
    return auth::initialise(identifier, user_data, options, option_count);
  });
}

EDGEHUB_PLUGIN_EXPORT int mosquitto_plugin_cleanup(void* user_data, mosquitto_opt*, int) {
  return auth::guarded("plugin cleanup", MOSQ_ERR_UNKNOWN, [&] {
    std::unique_ptr<auth::PluginState> state(static_cast<auth::PluginState*>(user_data));
    if (state) auth::unregister_all(state->identifier);
    return MOSQ_ERR_SUCCESS;
  });
}
