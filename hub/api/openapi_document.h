// The OpenAPI 3 description of this REST API, docs/openapi.json, built into
// hubd (GET /api/v1/openapi.json answers it, open like the health check) so
// that the document served is the one of the hub that serves it, installed
// or not. tests/unit/hub/api/openapi_document_test.cpp checks the file
// against route_roles.cpp both ways.
#pragma once

#include <string_view>

namespace edgehub::hub {

// The file's bytes as they were at build time.
std::string_view openapi_document();

}  // namespace edgehub::hub
