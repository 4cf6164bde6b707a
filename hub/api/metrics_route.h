// HTTP route of the metrics endpoint (docs/operations.md, "Metrics"):
//   GET /metrics  the hub's metrics in the Prometheus text format 0.0.4
//                 (viewer role: Prometheus sends its bearer token from
//                 `authorization: credentials_file`).
// /metrics, not /api/v1/metrics: the path Prometheus scrapes by default.
// Internal to hub/api (names httplib types): only rest_server.cpp includes it.
#pragma once

#include <functional>

#include "api/api_router.h"
#include "metrics/metrics_registry.h"

namespace edgehub::hub {

inline constexpr const char* kMetricsPath = "/metrics";

// metrics() is asked at request time: nullptr answers 503 (JSON error).
void route_metrics(ApiRouter& router, std::function<const MetricsRegistry*()> metrics);

}  // namespace edgehub::hub
