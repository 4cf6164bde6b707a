// <data-dir>/broker/mosquitto.pid: which process is our broker, across hubd restarts.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>

namespace edgehub::hub {

// The pid in the file, or nullopt if the file is missing or does not hold a
// positive number.
std::optional<pid_t> read_pid_file(const std::filesystem::path& file);

// Replaces the file atomically (write + rename). Throws std::runtime_error.
void write_pid_file(const std::filesystem::path& file, pid_t pid);

void remove_pid_file(const std::filesystem::path& file) noexcept;

}  // namespace edgehub::hub
