// Files of the CA's directory: created with their final permissions from the
// first byte (never chmod afterwards), replaced atomically, and every failure
// names the file.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <string_view>

namespace edgehub::hub {

// Creates directory with mode 0700 if missing (its parents with the default
// mode). Throws std::runtime_error if it cannot, or if it is not a directory.
void ensure_private_directory(const std::filesystem::path& directory);

// Throws std::runtime_error("cannot read <file>: <reason>").
std::string read_whole_file(const std::filesystem::path& file);

// Writes content to <file>.tmp created with mode (e.g. 0600), syncs it and
// renames it over file. Throws std::runtime_error naming the file.
void write_file_atomically(const std::filesystem::path& file, std::string_view content,
                           mode_t mode);

}  // namespace edgehub::hub
