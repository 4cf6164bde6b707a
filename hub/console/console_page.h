// What hubd answers for a path of the web console: the pure decision
// (redirect, file, or not found) and the headers every console file is
// served with. The HTTP glue is hub/api/console_routes.cpp.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "console/console_files.h"

namespace edgehub::hub {

inline constexpr std::string_view kConsoleRoot = "/console/";

// "/", "/console" and everything under "/console/": served without a token
// (the files hold no data; every API call the console makes carries the
// operator's token).
bool is_console_path(std::string_view path);

struct ConsoleAnswer {
  enum class Kind { file, redirect, not_found };
  Kind kind = Kind::not_found;
  const ConsoleFile* file = nullptr;  // Kind::file
  std::string location;               // Kind::redirect
};

// "/" and "/console" redirect to "/console/", which is index.html; any
// other "/console/<path>" is that embedded file or not found. Paths with
// "..", "//" or a query are never files (the table holds plain names only,
// so they could not match; refused here so that nothing depends on that).
ConsoleAnswer answer_console_path(std::string_view path);

// Sent with every console file. The policy allows scripts, styles and
// connections from the hub itself only: no inline script or style, no
// eval, no framing, no plugins.
inline constexpr std::string_view kConsoleContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
inline constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kConsoleHeaders{{
    {"Content-Security-Policy", kConsoleContentSecurityPolicy},
    {"X-Content-Type-Options", "nosniff"},
    // Revalidated on every load (the ETag makes that a 304): a new hubd's
    // console is used at once, never a cached older one.
    {"Cache-Control", "no-cache"},
    {"Referrer-Policy", "no-referrer"},
    {"X-Frame-Options", "DENY"},
}};

// Whether an If-None-Match header names this ETag (a list, or "*").
bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace edgehub::hub
