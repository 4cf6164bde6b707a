// The mosquitto plugin API v5 glue: entry points and event callbacks. Every
// decision is made by the pure code beside this file; this file only
// translates broker events into calls to it, and never lets an exception
// reach the broker (a C program).
#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>
#include <openssl/x509.h>

#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "edgehub/protocol/topics.h"
#include "mosquitto-plugin/access_decision.h"
#include "mosquitto-plugin/admitted_clients.h"
#include "mosquitto-plugin/client_certificate.h"
#include "mosquitto-plugin/connect_decision.h"
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
                 static_cast<std::uint64_t>(wall_clock_ms()) * 1000) {}

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
};

void log(int level, const std::string& message) {
  mosquitto_log_printf(level, "edgehub-auth: %s", message.c_str());
}

// hubd's only trustworthy source of who is connected (hub/presence): QoS 1,
// so that hubd's persistent session keeps the events while hubd is away.
void announce(const std::optional<PresenceMessage>& message) {
  if (!message) return;
  const int published = mosquitto_broker_publish_copy(
      nullptr, message->topic.c_str(), static_cast<int>(message->payload.size()),
      message->payload.data(), 1, false, nullptr);
  if (published != MOSQ_ERR_SUCCESS) {
    mosquitto_log_printf(MOSQ_LOG_WARNING, "edgehub-auth: cannot publish presence on %s (%d)",
                         message->topic.c_str(), published);
  }
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
  return authenticate(certificate, client_id, state.registry);
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
    if (decision.admitted &&
        mosquitto_set_username(client, decision.identity.c_str()) == MOSQ_ERR_SUCCESS) {
      state.admitted.admit(decision.identity, decision.role, client);
      log(MOSQ_LOG_NOTICE,
          "admitted '" + decision.identity + "' from " + address + ": " + decision.reason);
      // A client with an address is connecting now (a restored session re-
      // checked on SIGHUP has none); SIGHUP re-checks of live ones are known.
      if (decision.role == DeviceRole::device && mosquitto_client_address(client) != nullptr) {
        announce(state.presence.admitted(decision.identity, client, PluginState::wall_clock_ms()));
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

int on_tick(int, void*, void* user_data) {
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
    {MOSQ_EVT_BASIC_AUTH, on_basic_auth},
    {MOSQ_EVT_ACL_CHECK, on_acl_check},
    {MOSQ_EVT_TICK, on_tick},
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
  log(MOSQ_LOG_NOTICE, "loaded: registry " + parsed->registry_path + ", revocations polled every " +
                           std::to_string(parsed->revocation_poll_interval.count()) +
                           " ms after #" + std::to_string(last_revocation.value()));
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
