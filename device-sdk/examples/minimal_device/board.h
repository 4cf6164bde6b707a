// What the minimal device needs from its board: a TLS byte stream (the
// transport contract of edgehub/device/transport.h), a millisecond counter,
// a per-device seed, and a few chores. board_stub.cpp fills these in for the
// footprint build; a real board implements them over its network stack.
#pragma once

#include <cstddef>
#include <cstdint>

std::int32_t board_send(void* context, const std::uint8_t* data, std::size_t length);
std::int32_t board_recv(void* context, std::uint8_t* buffer, std::size_t capacity);
std::uint32_t board_millis(void* context);
std::uint32_t board_unique_seed();
// Incremented at every boot and kept across resets (flash or a backup register).
std::uint32_t board_boot_count();
bool board_open_connection();  // TCP + TLS handshake to the hub's broker
void board_close_connection();
// Writes a JSON number and "}" plus a NUL into out (capacity bytes).
void board_format_temperature(char* out, std::size_t capacity);
void board_schedule_reboot();
void board_wait_for_event();
