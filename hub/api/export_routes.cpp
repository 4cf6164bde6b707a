#include "api/export_routes.h"

namespace edgehub::hub {

void route_exports(ApiRouter& router, std::function<ExportHandlers*()> exports) {
  using Request = httplib::Request;
  const auto with = [&exports](auto call) {
    return with_handlers(exports, "exports are not available yet", call);
  };
  router.get("/api/v1/exports", with([](ExportHandlers& h, const Request&) { return h.list(); }));
  router.post("/api/v1/exports",
              with([](ExportHandlers& h, const Request& r) { return h.add(r.body); }));
  router.get(R"(/api/v1/exports/([^/]+))",
             with([](ExportHandlers& h, const Request& r) { return h.show(r.matches[1].str()); }));
  router.del(R"(/api/v1/exports/([^/]+))", with([](ExportHandlers& h, const Request& r) {
               return h.remove(r.matches[1].str());
             }));
  router.post(R"(/api/v1/exports/([^/]+)/pause)", with([](ExportHandlers& h, const Request& r) {
                return h.pause(r.matches[1].str());
              }));
  router.post(R"(/api/v1/exports/([^/]+)/resume)", with([](ExportHandlers& h, const Request& r) {
                return h.resume(r.matches[1].str());
              }));
}

}  // namespace edgehub::hub
