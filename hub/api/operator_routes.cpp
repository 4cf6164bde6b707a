#include "api/operator_routes.h"

namespace edgehub::hub {

void route_operators(ApiRouter& router, std::function<OperatorHandlers*()> operators) {
  using Request = httplib::Request;
  const auto with = [&operators](auto call) {
    return with_handlers(operators, "operators are not available yet", call);
  };
  router.get("/api/v1/operators",
             with([](OperatorHandlers& h, const Request&) { return h.list(); }));
  router.post("/api/v1/operators",
              with([](OperatorHandlers& h, const Request& r) { return h.add(r.body); }));
  router.del(R"(/api/v1/operators/([^/]+))", with([](OperatorHandlers& h, const Request& r) {
               return h.revoke(r.matches[1].str());
             }));
}

}  // namespace edgehub::hub
