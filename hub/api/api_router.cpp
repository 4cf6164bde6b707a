#include "api/api_router.h"

#include <algorithm>
#include <stdexcept>

namespace edgehub::hub {

std::optional<std::string> query_parameter(const httplib::Request& request, const char* name) {
  if (!request.has_param(name)) return std::nullopt;
  return request.get_param_value(name);
}

std::optional<std::string_view> as_view(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return std::string_view(*text);
}

void reply(httplib::Response& response, const ApiResponse& api) {
  response.status = api.status;
  if (!api.body.empty()) response.set_content(api.body, "application/json");
}

ApiRouter::ApiRouter(httplib::Server& server, Around around)
    : server_(server), around_(std::move(around)) {}

ApiRouter::Handler ApiRouter::guarded(std::string_view method, const std::string& pattern,
                                      Handler handler) {
  const RouteRole* row = find_route_role(method, pattern);
  if (row == nullptr) {
    throw std::logic_error("REST route " + std::string(method) + " " + pattern +
                           " has no role in hub/api/route_roles.cpp");
  }
  registered_.push_back(row);
  // Copies: the router may go before the server.
  return [around = around_, row, handler = std::move(handler)](const httplib::Request& request,
                                                               httplib::Response& response) {
    around(*row, request, response, handler);
  };
}

void ApiRouter::get(const std::string& pattern, Handler handler) {
  server_.Get(pattern, guarded("GET", pattern, std::move(handler)));
}
void ApiRouter::post(const std::string& pattern, Handler handler) {
  server_.Post(pattern, guarded("POST", pattern, std::move(handler)));
}
void ApiRouter::patch(const std::string& pattern, Handler handler) {
  server_.Patch(pattern, guarded("PATCH", pattern, std::move(handler)));
}
void ApiRouter::put(const std::string& pattern, Handler handler) {
  server_.Put(pattern, guarded("PUT", pattern, std::move(handler)));
}
void ApiRouter::del(const std::string& pattern, Handler handler) {
  server_.Delete(pattern, guarded("DELETE", pattern, std::move(handler)));
}

void check_every_route_role_registered(const std::vector<const RouteRole*>& registered) {
  std::string missing;
  for (const RouteRole& row : route_roles()) {
    if (std::find(registered.begin(), registered.end(), &row) == registered.end()) {
      missing += " " + std::string(row.method) + " " + std::string(row.pattern);
    }
  }
  if (!missing.empty()) {
    throw std::logic_error("hub/api/route_roles.cpp names routes the server does not have:" +
                           missing);
  }
}

}  // namespace edgehub::hub
