// How the REST routes are registered: like httplib's Get/Post/..., but every
// route must have its row in route_roles.cpp (else std::logic_error: a
// route without a role is a bug found at start), and each request runs
// through `around` with its row: the server checks the caller's role there,
// runs the handler (or answers 403) and records the write.
#pragma once

#include <httplib.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/api_response.h"
#include "api/route_roles.h"

namespace edgehub::hub {

class ApiRouter {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  using Around = std::function<void(const RouteRole&, const httplib::Request&, httplib::Response&,
                                    const Handler&)>;

  ApiRouter(httplib::Server& server, Around around);

  void get(const std::string& pattern, Handler handler);
  void post(const std::string& pattern, Handler handler);
  void patch(const std::string& pattern, Handler handler);
  void put(const std::string& pattern, Handler handler);
  void del(const std::string& pattern, Handler handler);

  // The routes registered so far, in order.
  const std::vector<const RouteRole*>& registered() const { return registered_; }

 private:
  Handler guarded(std::string_view method, const std::string& pattern, Handler handler);

  httplib::Server& server_;
  Around around_;
  std::vector<const RouteRole*> registered_;
};

// A query parameter's value; nullopt when the request does not have it.
std::optional<std::string> query_parameter(const httplib::Request& request, const char* name);
// The value viewed (valid while the optional lives).
std::optional<std::string_view> as_view(const std::optional<std::string>& text);

// Sets the response from an ApiResponse (JSON body, if any).
void reply(httplib::Response& response, const ApiResponse& api);

// A handler that answers what call(*handlers(), request) gives (an
// ApiResponse), or 503 with `unavailable` while handlers() is null (hubd
// sets some handlers after the server is made).
template <typename Handlers, typename Call>
ApiRouter::Handler with_handlers(std::function<Handlers*()> handlers, std::string unavailable,
                                 Call call) {
  return [handlers = std::move(handlers), unavailable = std::move(unavailable), call](
             const httplib::Request& request, httplib::Response& response) {
    Handlers* ready = handlers();
    if (ready == nullptr) {
      return reply(response, error_response(make_error(ErrorCode::unavailable, unavailable)));
    }
    reply(response, call(*ready, request));
  };
}

// Throws std::logic_error naming every row of route_roles() that is not
// among `registered` (a row for a route that no longer exists).
void check_every_route_role_registered(const std::vector<const RouteRole*>& registered);

}  // namespace edgehub::hub
