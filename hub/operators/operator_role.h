// What an operator's API token may do (docs/security.md "Operators"): each
// role may do what the one before it may, and more. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace edgehub::hub {

enum class Role {
  none,       // a route open to anyone (the health check); no operator holds it
  viewer,     // reads: devices, streams, commands, twins, routes, CAs
  operator_,  // also sends commands and jobs, cancels them, edits twins, commits offsets
  admin,      // also devices, certificates, CAs, routes, streams, operators
};

// "none", "viewer", "operator", "admin".
std::string_view role_name(Role role);
// The name of a role an operator can hold (viewer, operator, admin).
std::optional<Role> parse_operator_role(std::string_view name);
// Whether an operator holding `held` may use a route that requires `required`.
bool role_allows(Role held, Role required);

}  // namespace edgehub::hub
