#include "edgehub/device/reliability/memory_storage.h"

#include <cstring>

namespace edgehub::device::reliability {
namespace {

// The Storage contract keeps offset + length within capacity: no check here.
bool read_memory(void* context, std::size_t offset, std::uint8_t* data,
                 std::size_t length) noexcept {
  std::memcpy(data, static_cast<const std::uint8_t*>(context) + offset, length);
  return true;
}

bool write_memory(void* context, std::size_t offset, const std::uint8_t* data,
                  std::size_t length) noexcept {
  std::memcpy(static_cast<std::uint8_t*>(context) + offset, data, length);
  return true;
}

}  // namespace

Storage memory_storage(std::uint8_t* bytes, std::size_t capacity) noexcept {
  Storage storage;
  storage.context = bytes;
  storage.capacity = bytes == nullptr ? 0 : capacity;
  storage.read = &read_memory;
  storage.write = &write_memory;
  return storage;
}

}  // namespace edgehub::device::reliability
