#include "api/identity_routes.h"

namespace edgehub::hub {
namespace {

void reply(httplib::Response& response, const ApiResponse& api) {
  response.status = api.status;
  if (!api.body.empty()) response.set_content(api.body, "application/json");
}

// Runs handle with the handlers, or answers 503 while there are none.
template <typename Handle>
httplib::Server::Handler with(std::function<IdentityHandlers*()> identities, Handle handle) {
  return [identities = std::move(identities), handle](const httplib::Request& request,
                                                      httplib::Response& response) {
    IdentityHandlers* handlers = identities();
    if (handlers == nullptr) {
      return reply(response, error_response(make_error(ErrorCode::unavailable,
                                                       "device identities are not available yet")));
    }
    reply(response, handle(*handlers, request));
  };
}

}  // namespace

void route_identities(httplib::Server& server, std::function<IdentityHandlers*()> identities) {
  using Request = httplib::Request;
  server.Post(R"(/api/v1/devices/([^/]+)/disable)",
              with(identities, [](IdentityHandlers& h, const Request& r) {
                return h.set_enabled(r.matches[1].str(), false);
              }));
  server.Post(R"(/api/v1/devices/([^/]+)/enable)",
              with(identities, [](IdentityHandlers& h, const Request& r) {
                return h.set_enabled(r.matches[1].str(), true);
              }));
  server.Get(R"(/api/v1/devices/([^/]+)/certificates)",
             with(identities, [](IdentityHandlers& h, const Request& r) {
               return h.list_certificates(r.matches[1].str());
             }));
  server.Post(R"(/api/v1/devices/([^/]+)/certificates)",
              with(identities, [](IdentityHandlers& h, const Request& r) {
                return h.add_certificate(r.matches[1].str(), r.body);
              }));
  server.Post(R"(/api/v1/devices/([^/]+)/certificates/([^/]+)/end)",
              with(identities, [](IdentityHandlers& h, const Request& r) {
                return h.end_certificate(r.matches[1].str(), r.matches[2].str());
              }));
  server.Get("/api/v1/cas", with(identities, [](IdentityHandlers& h, const Request&) {
               return h.list_authorities();
             }));
  server.Post("/api/v1/cas", with(identities, [](IdentityHandlers& h, const Request& r) {
                return h.add_authority(r.body);
              }));
  server.Delete(R"(/api/v1/cas/([^/]+))",
                with(identities, [](IdentityHandlers& h, const Request& r) {
                  return h.remove_authority(r.matches[1].str());
                }));
}

}  // namespace edgehub::hub
