#include "routing/route_expression_rewrite.h"

#include <doctest/doctest.h>

using namespace edgehub::hub;

TEST_CASE("data and attribute paths become json_extract calls; the rest stays as written") {
  CHECK(rewrite_route_expression("$.a.b[0] > 1").value() ==
        "json_extract(payload, '$.a.b[0]') > 1");
  CHECK(rewrite_route_expression("attributes.$.room = 'x'").value() ==
        "json_extract(attributes, '$.room') = 'x'");
  CHECK(rewrite_route_expression("$ IS NOT NULL").value() ==
        "json_extract(payload, '$') IS NOT NULL");
  CHECK(rewrite_route_expression("'$.a' = \"$.b\"").value() == "'$.a' = \"$.b\"");
  CHECK(rewrite_route_expression("$.\"odd key\" = 1").value() ==
        "json_extract(payload, '$.\"odd key\"') = 1");
}

TEST_CASE("the rewrite refuses what would leave the expression") {
  CHECK_FALSE(rewrite_route_expression("1; SELECT 2").ok());
  CHECK_FALSE(rewrite_route_expression("1)").ok());
  CHECK_FALSE(rewrite_route_expression("(1").ok());
  CHECK_FALSE(rewrite_route_expression("'open").ok());
  CHECK_FALSE(rewrite_route_expression("$x").ok());
  CHECK_FALSE(rewrite_route_expression(":x = 1").ok());
}
