// From an export's stored destination spec to an ExportDestination: the one
// place that knows which engines this build has.
#pragma once

#include <memory>
#include <string>

#include "edgehub/common/result.h"
#include "exports/export_definition.h"
#include "exports/export_destination.h"

namespace edgehub::hub {

// invalid_argument for an unknown type or options the engine refuses.
Result<std::unique_ptr<ExportDestination>> make_export_destination(
    const ExportDefinition& definition, const std::string& site_id);

}  // namespace edgehub::hub
