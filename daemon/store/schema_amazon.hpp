#pragma once
// Schema migration 2: Amazon seller connections, the settlement reports each sync saw, application settings and
// sealed application secrets, the Testing → Live rule per company, and re-issued settlements that replaced
// another report.

#include <string_view>

namespace settlebridge::store {

std::string_view amazonSchemaSql();

}  // namespace settlebridge::store
