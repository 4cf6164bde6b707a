// Stand-ins for a board's functions so that the minimal device links for a
// size measurement: memory-mapped registers of an imaginary UART-like TLS
// offload and a SysTick counter. Not meant to run.
#include "board.h"

namespace {

volatile std::uint32_t* const kSysTickMs = reinterpret_cast<volatile std::uint32_t*>(0x20000000);
volatile std::uint8_t* const kLinkData = reinterpret_cast<volatile std::uint8_t*>(0x40000000);
volatile std::uint32_t* const kLinkStatus = reinterpret_cast<volatile std::uint32_t*>(0x40000004);

}  // namespace

std::int32_t board_send(void*, const std::uint8_t* data, std::size_t length) {
  if ((*kLinkStatus & 0x80000000U) != 0) return -1;
  std::size_t sent = 0;
  while (sent < length && (*kLinkStatus & 1U) != 0) *kLinkData = data[sent++];
  return static_cast<std::int32_t>(sent);
}

std::int32_t board_recv(void*, std::uint8_t* buffer, std::size_t capacity) {
  if ((*kLinkStatus & 0x80000000U) != 0) return -1;
  std::size_t received = 0;
  while (received < capacity && (*kLinkStatus & 2U) != 0) buffer[received++] = *kLinkData;
  return static_cast<std::int32_t>(received);
}

std::uint32_t board_millis(void*) { return *kSysTickMs; }
std::uint32_t board_unique_seed() { return *reinterpret_cast<volatile std::uint32_t*>(0x1FFF7A10); }
// An RTC backup register (kept across resets), incremented by the startup code.
std::uint32_t board_boot_count() { return *reinterpret_cast<volatile std::uint32_t*>(0x40002850); }
bool board_open_connection() { return (*kLinkStatus & 4U) != 0; }
void board_close_connection() { *kLinkStatus = 0; }

void board_format_temperature(char* out, std::size_t capacity) {
  if (capacity < 4) return;
  const std::uint32_t tenths = *kSysTickMs % 400;
  out[0] = static_cast<char>('0' + tenths / 100);
  out[1] = static_cast<char>('0' + tenths / 10 % 10);
  out[2] = '}';
  out[3] = '\0';
}

void board_schedule_reboot() { *kLinkStatus = 0xDEAD; }
void board_wait_for_event() { __asm__ volatile("wfe"); }
