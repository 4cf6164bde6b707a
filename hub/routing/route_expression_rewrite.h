// The one piece of syntax routes add to SQL: data paths.
//
//   $.a.b[0]              -> json_extract(payload, '$.a.b[0]')     (the message's data)
//   $                     -> json_extract(payload, '$')
//   attributes.$.room     -> json_extract(attributes, '$.room')    (the device's registry
//   attributes)
//
// Everything else stays SQL, evaluated by SQLite. The rewrite also refuses
// what would let an expression escape its place in the statement: ';',
// unbalanced parentheses, unterminated literals, '$' not starting a path.
#pragma once

#include <string>
#include <string_view>

#include "edgehub/common/result.h"

namespace edgehub::hub {

// invalid_argument with a message naming the offending character position.
Result<std::string> rewrite_route_expression(std::string_view expression);

}  // namespace edgehub::hub
