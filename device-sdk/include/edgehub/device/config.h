// Compile-time configuration of the device SDK core.
//
// Every value has a default that an application overrides by defining the
// macro before this header is seen: on the compiler command line
// (-DEDGEHUB_DEVICE_MAX_OUTSTANDING_PUBLISHES=4) or in its own header named by
// EDGEHUB_DEVICE_CONFIG_FILE (-DEDGEHUB_DEVICE_CONFIG_FILE='"my_config.h"').
// The values size fixed tables inside the client objects, so they trade RAM
// for capacity; none of them allocates.
#pragma once

#ifdef EDGEHUB_DEVICE_CONFIG_FILE
#include EDGEHUB_DEVICE_CONFIG_FILE
#endif

// QoS 1 publishes sent and not yet acknowledged (PUBACK), per client. A full
// table makes publish() return Status::busy. mosquitto's default
// max_inflight_messages is 20.
#ifndef EDGEHUB_DEVICE_MAX_OUTSTANDING_PUBLISHES
#define EDGEHUB_DEVICE_MAX_OUTSTANDING_PUBLISHES 16
#endif

// How long the client waits for PINGRESP after sending PINGREQ before it
// declares the connection dead (Status::keepalive_timeout).
#ifndef EDGEHUB_DEVICE_PINGRESP_TIMEOUT_MS
#define EDGEHUB_DEVICE_PINGRESP_TIMEOUT_MS 5000U
#endif

// Incoming packets handled by one Client::process() call at most, so that one
// busy connection cannot starve the others an application drives.
#ifndef EDGEHUB_DEVICE_MAX_PACKETS_PER_PROCESS
#define EDGEHUB_DEVICE_MAX_PACKETS_PER_PROCESS 16
#endif

// Deepest nesting of JSON arrays/objects the command scanner accepts. The
// scanner recurses once per level, so this bounds its stack use.
#ifndef EDGEHUB_DEVICE_JSON_MAX_DEPTH
#define EDGEHUB_DEVICE_JSON_MAX_DEPTH 16
#endif

// Flow control (docs/protocol.md section 3.2): how many telemetry messages
// the hub client keeps in the offline buffer after their PUBACK (while the
// buffer has room), so that those a paused hub refused (first_refused_seq and
// later) can be sent again. The broker acknowledges before the hub stores,
// so the refusal comes after the PUBACK. 0 keeps none.
#ifndef EDGEHUB_DEVICE_KEEP_ACKNOWLEDGED
#define EDGEHUB_DEVICE_KEEP_ACKNOWLEDGED 32
#endif

// Reconnect backoff (reliability/backoff.h): the first delay is drawn below
// BASE, each further failure doubles the ceiling up to CAP.
#ifndef EDGEHUB_DEVICE_BACKOFF_BASE_MS
#define EDGEHUB_DEVICE_BACKOFF_BASE_MS 1000U
#endif
#ifndef EDGEHUB_DEVICE_BACKOFF_CAP_MS
#define EDGEHUB_DEVICE_BACKOFF_CAP_MS 60000U
#endif

namespace edgehub::device::config {

inline constexpr unsigned kMaxOutstandingPublishes = EDGEHUB_DEVICE_MAX_OUTSTANDING_PUBLISHES;
inline constexpr unsigned kKeepAcknowledged = EDGEHUB_DEVICE_KEEP_ACKNOWLEDGED;
inline constexpr unsigned kPingrespTimeoutMs = EDGEHUB_DEVICE_PINGRESP_TIMEOUT_MS;
inline constexpr unsigned kMaxPacketsPerProcess = EDGEHUB_DEVICE_MAX_PACKETS_PER_PROCESS;
inline constexpr unsigned kJsonMaxDepth = EDGEHUB_DEVICE_JSON_MAX_DEPTH;
inline constexpr unsigned kBackoffBaseMs = EDGEHUB_DEVICE_BACKOFF_BASE_MS;
inline constexpr unsigned kBackoffCapMs = EDGEHUB_DEVICE_BACKOFF_CAP_MS;

static_assert(kMaxOutstandingPublishes >= 1 && kMaxOutstandingPublishes <= 65535,
              "EDGEHUB_DEVICE_MAX_OUTSTANDING_PUBLISHES must be 1..65535");
static_assert(kMaxPacketsPerProcess >= 1, "EDGEHUB_DEVICE_MAX_PACKETS_PER_PROCESS must be >= 1");
static_assert(kJsonMaxDepth >= 1, "EDGEHUB_DEVICE_JSON_MAX_DEPTH must be >= 1");
static_assert(kBackoffBaseMs >= 1 && kBackoffBaseMs <= kBackoffCapMs,
              "EDGEHUB_DEVICE_BACKOFF_BASE_MS must be 1..EDGEHUB_DEVICE_BACKOFF_CAP_MS");

}  // namespace edgehub::device::config
