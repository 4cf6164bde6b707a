// The web console's static files, embedded at build time (embed_files.cmake
// generates the definition of console_files() from hub/console/static).
#pragma once

#include <span>
#include <string_view>

namespace edgehub::hub {

struct ConsoleFile {
  std::string_view path;          // relative to static/, e.g. "js/app.js"
  std::string_view content_type;  // from the extension
  std::string_view etag;          // quoted, as sent in the ETag header
  std::span<const unsigned char> bytes;
};

// Every file, sorted by path.
std::span<const ConsoleFile> console_files();

}  // namespace edgehub::hub
