#include "api/identity_routes.h"

namespace edgehub::hub {
namespace {

template <typename Handle>
ApiRouter::Handler with(std::function<IdentityHandlers*()> identities, Handle handle) {
  return with_handlers(std::move(identities), "device identities are not available yet", handle);
}

}  // namespace

void route_identities(ApiRouter& router, std::function<IdentityHandlers*()> identities) {
  using Request = httplib::Request;
  router.post(R"(/api/v1/devices/([^/]+)/disable)",
              with(identities, [](IdentityHandlers& h, const Request& r) {
                return h.set_enabled(r.matches[1].str(), false);
              }));
  router.post(R"(/api/v1/devices/([^/]+)/enable)",
              with(identities, [](IdentityHandlers& h, const Request& r) {
                return h.set_enabled(r.matches[1].str(), true);
              }));
  router.get(R"(/api/v1/devices/([^/]+)/certificates)",
             with(identities, [](IdentityHandlers& h, const Request& r) {
               return h.list_certificates(r.matches[1].str());
             }));
  router.post(R"(/api/v1/devices/([^/]+)/certificates)",
              with(identities, [](IdentityHandlers& h, const Request& r) {
                return h.add_certificate(r.matches[1].str(), r.body);
              }));
  router.post(R"(/api/v1/devices/([^/]+)/certificates/([^/]+)/end)",
              with(identities, [](IdentityHandlers& h, const Request& r) {
                return h.end_certificate(r.matches[1].str(), r.matches[2].str());
              }));
  router.get("/api/v1/cas", with(identities, [](IdentityHandlers& h, const Request&) {
               return h.list_authorities();
             }));
  router.post("/api/v1/cas", with(identities, [](IdentityHandlers& h, const Request& r) {
                return h.add_authority(r.body);
              }));
  router.del(R"(/api/v1/cas/([^/]+))", with(identities, [](IdentityHandlers& h, const Request& r) {
               return h.remove_authority(r.matches[1].str());
             }));
}

}  // namespace edgehub::hub
