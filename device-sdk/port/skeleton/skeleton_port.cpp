// The skeleton port: what stays the same on every RTOS (result-code mapping,
// the seams' shapes) is written out; the five platform calls are marked PORT
// with what to call on FreeRTOS+TCP, lwIP and Zephyr.
#include "skeleton_port.h"

namespace edgehub::device::port {
namespace {

// PORT 1: mbedtls_ssl_read(static_cast<mbedtls_ssl_context*>(ssl), buffer, capacity).
// The socket under mbedTLS must be non-blocking (its bio callbacks return
// MBEDTLS_ERR_SSL_WANT_READ when the socket has nothing): FreeRTOS_recv with
// FREERTOS_MSG_DONTWAIT, lwip_recv / zsock_recv with MSG_DONTWAIT.
int platform_tls_read(void* /*ssl*/, std::uint8_t* /*buffer*/, std::size_t /*capacity*/) {
  return kTlsWantRead;
}

// PORT 2: mbedtls_ssl_write(ssl, data, length), same socket rules.
int platform_tls_write(void* /*ssl*/, const std::uint8_t* /*data*/, std::size_t /*length*/) {
  return kTlsWantWrite;
}

// PORT 3: FreeRTOS: xTaskGetTickCount() * portTICK_PERIOD_MS (a 32-bit
// counter that wraps: fine, the SDK only uses differences); lwIP bare metal:
// sys_now(); Zephyr: k_uptime_get_32().
std::uint32_t platform_millis() { return 0; }

// PORT 4: the MCU's TRNG (STM32 HAL_RNG_GenerateRandomNumber, nRF
// nrf_rng, Zephyr sys_rand32_get(), ESP esp_random()).
std::uint32_t platform_random() { return 4; }  // chosen by fair dice roll: replace

// PORT 5: a seek + read/write on the file handle (littlefs lfs_file_seek +
// lfs_file_read/lfs_file_write + lfs_file_sync; Zephyr fs_seek/fs_read/
// fs_write/fs_sync; FATFS f_lseek/f_read/f_write/f_sync). Raw flash without a
// file system needs erase-before-write handled by a layer such as Zephyr's
// NVS or FCB, or a RAM copy of the sector being rewritten.
bool platform_file_read(void* /*file*/, std::size_t /*offset*/, std::uint8_t* /*data*/,
                        std::size_t /*length*/) {
  return false;
}
bool platform_file_write(void* /*file*/, std::size_t /*offset*/, const std::uint8_t* /*data*/,
                         std::size_t /*length*/) {
  return false;
}

std::int32_t send_tls(void* context, const std::uint8_t* data, std::size_t length) {
  const auto* session = static_cast<const TlsSession*>(context);
  return tls_result_to_transport(platform_tls_write(session->ssl, data, length));
}

std::int32_t recv_tls(void* context, std::uint8_t* buffer, std::size_t capacity) {
  const auto* session = static_cast<const TlsSession*>(context);
  return tls_result_to_transport(platform_tls_read(session->ssl, buffer, capacity));
}

}  // namespace

std::int32_t tls_result_to_transport(int result) noexcept {
  if (result > 0) return result;                                    // bytes moved
  if (result == kTlsWantRead || result == kTlsWantWrite) return 0;  // nothing now
  // mbedtls_ssl_read returns 0 for EOF and kTlsPeerClosed for close_notify:
  // both are "the connection is over", which the contract says is < 0.
  if (result == 0 || result == kTlsPeerClosed) return -1;
  return result < 0 ? result : -1;
}

Transport tls_transport(TlsSession* session) noexcept {
  Transport transport;
  transport.context = session;
  transport.send = &send_tls;
  transport.recv = &recv_tls;
  return transport;
}

Clock rtos_clock() noexcept {
  Clock clock;
  clock.now_ms = [](void*) { return platform_millis(); };
  return clock;
}

RandomSource hardware_random() noexcept {
  RandomSource random;
  random.next = [](void*) { return platform_random(); };
  return random;
}

Storage flash_storage(void* file, std::size_t capacity) noexcept {
  Storage storage;
  storage.context = file;
  storage.capacity = capacity;
  storage.read = &platform_file_read;
  storage.write = &platform_file_write;
  return storage;
}

}  // namespace edgehub::device::port
