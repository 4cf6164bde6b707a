// Who is signed in, and what their role lets them do. The console shows no
// control the role cannot use (hub/api/route_roles.cpp decides on the hub;
// this mirrors its three levels).

const RANK = { viewer: 1, operator: 2, admin: 3 };

export const session = { name: null, role: null };

export function may(needed) {
  return (RANK[session.role] || 0) >= RANK[needed];
}
// Sending commands, editing twins, trying routes.
export const mayOperate = () => may("operator");
// Devices, routes, streams' configuration.
export const mayAdminister = () => may("admin");
