// A starting point for a microcontroller port of the device SDK: the three
// seams (Transport, Clock, Storage) plus randomness, wired to mbedTLS and a
// socket API in the shape FreeRTOS+TCP, lwIP and Zephyr share. Copy this file
// and skeleton_port.cpp into your firmware, fill in the five platform calls
// marked PORT in the .cpp, and read docs/device-sdk-porting.md.
//
// It compiles as it is (CMake target edgehub_device_sdk_port_skeleton) so that
// it keeps up with the SDK's headers.
#pragma once

#include <cstddef>
#include <cstdint>

#include "edgehub/device/clock.h"
#include "edgehub/device/random.h"
#include "edgehub/device/storage.h"
#include "edgehub/device/transport.h"

namespace edgehub::device::port {

// mbedTLS result codes the transport translates (values from mbedtls/ssl.h
// and mbedtls/net_sockets.h; the real headers are used when included first).
#ifdef MBEDTLS_SSL_H
inline constexpr int kTlsWantRead = MBEDTLS_ERR_SSL_WANT_READ;
inline constexpr int kTlsWantWrite = MBEDTLS_ERR_SSL_WANT_WRITE;
inline constexpr int kTlsPeerClosed = MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY;
#else
inline constexpr int kTlsWantRead = -0x6900;
inline constexpr int kTlsWantWrite = -0x6880;
inline constexpr int kTlsPeerClosed = -0x7880;
#endif

// One TLS session over a connected, non-blocking socket. `ssl` is your
// mbedtls_ssl_context*, already through mbedtls_ssl_handshake().
struct TlsSession {
  void* ssl = nullptr;
};

// The SDK's Transport over a TlsSession: mbedtls_ssl_read/write results
// mapped to the contract (bytes moved; 0 = nothing now; < 0 = error, also
// for a peer that closed).
Transport tls_transport(TlsSession* session) noexcept;

// The SDK's Clock over the RTOS tick counter.
Clock rtos_clock() noexcept;

// The hardware RNG (or mbedtls_ctr_drbg) for reconnect jitter.
RandomSource hardware_random() noexcept;

// The offline buffer in a file of a flash file system (littlefs, FATFS) or a
// raw flash partition behind a wear-levelling layer. `file` is your handle.
Storage flash_storage(void* file, std::size_t capacity) noexcept;

// The translations on their own, so that they can be checked on a host.
std::int32_t tls_result_to_transport(int result) noexcept;

}  // namespace edgehub::device::port
