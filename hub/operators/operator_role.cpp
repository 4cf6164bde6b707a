#include "operators/operator_role.h"

namespace edgehub::hub {

std::string_view role_name(Role role) {
  switch (role) {
    case Role::none:
      return "none";
    case Role::viewer:
      return "viewer";
    case Role::operator_:
      return "operator";
    case Role::admin:
      return "admin";
  }
  return "none";
}

std::optional<Role> parse_operator_role(std::string_view name) {
  for (const Role role : {Role::viewer, Role::operator_, Role::admin}) {
    if (name == role_name(role)) return role;
  }
  return std::nullopt;
}

bool role_allows(Role held, Role required) {
  return static_cast<int>(held) >= static_cast<int>(required);
}

}  // namespace edgehub::hub
