#include "api/metrics_route.h"

#include <spdlog/spdlog.h>

#include <exception>
#include <string>

#include "api/api_response.h"
#include "metrics/text_exposition.h"

namespace edgehub::hub {

void route_metrics(ApiRouter& router, std::function<const MetricsRegistry*()> metrics) {
  router.get(kMetricsPath, [metrics = std::move(metrics)](const httplib::Request&,
                                                          httplib::Response& response) {
    const MetricsRegistry* registry = metrics();
    if (registry == nullptr) {
      return reply(response, error_response(make_error(ErrorCode::unavailable,
                                                       "metrics are not available yet")));
    }
    response.status = 200;
    response.set_content(registry->render(), std::string(kTextExpositionContentType));
  });
}

}  // namespace edgehub::hub
