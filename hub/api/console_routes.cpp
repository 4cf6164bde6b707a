#include "api/console_routes.h"

#include <string>

#include "api/api_response.h"
#include "api/api_router.h"
#include "console/console_page.h"

namespace edgehub::hub {
namespace {

void serve_console(const httplib::Request& request, httplib::Response& response) {
  const ConsoleAnswer answer = answer_console_path(request.path);
  switch (answer.kind) {
    case ConsoleAnswer::Kind::redirect:
      response.set_redirect(answer.location, 302);
      return;
    case ConsoleAnswer::Kind::not_found:
      return reply(response, error_response(make_error(ErrorCode::not_found,
                                                       "no such console file: " + request.path)));
    case ConsoleAnswer::Kind::file:
      break;
  }
  for (const auto& [name, value] : kConsoleHeaders) {
    response.set_header(std::string(name), std::string(value));
  }
  response.set_header("ETag", std::string(answer.file->etag));
  if (etag_matches(request.get_header_value("If-None-Match"), answer.file->etag)) {
    response.status = 304;
    return;
  }
  const auto& bytes = answer.file->bytes;
  response.set_content(reinterpret_cast<const char*>(bytes.data()), bytes.size(),
                       std::string(answer.file->content_type));
}

}  // namespace

void route_console(httplib::Server& server) {
  server.Get("/", serve_console);
  server.Get("/console", serve_console);
  server.Get("/console/.*", serve_console);
}

}  // namespace edgehub::hub
