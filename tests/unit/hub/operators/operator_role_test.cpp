#include "operators/operator_role.h"

#include <doctest/doctest.h>

using namespace edgehub::hub;

TEST_CASE("role_allows_each_role_what_the_roles_below_it_may") {
  CHECK(role_allows(Role::viewer, Role::viewer));
  CHECK_FALSE(role_allows(Role::viewer, Role::operator_));
  CHECK_FALSE(role_allows(Role::viewer, Role::admin));
  CHECK(role_allows(Role::operator_, Role::viewer));
  CHECK(role_allows(Role::operator_, Role::operator_));
  CHECK_FALSE(role_allows(Role::operator_, Role::admin));
  CHECK(role_allows(Role::admin, Role::admin));
  CHECK(role_allows(Role::viewer, Role::none));
  CHECK_FALSE(role_allows(Role::none, Role::viewer));
}

TEST_CASE("parse_operator_role_knows_the_three_roles_by_name_only") {
  CHECK(parse_operator_role("viewer") == Role::viewer);
  CHECK(parse_operator_role("operator") == Role::operator_);
  CHECK(parse_operator_role("admin") == Role::admin);
  CHECK_FALSE(parse_operator_role("none"));
  CHECK_FALSE(parse_operator_role("Admin"));
  CHECK_FALSE(parse_operator_role(""));
  CHECK(role_name(Role::operator_) == "operator");
}
