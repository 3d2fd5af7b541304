#pragma once
// Schema migration 5: the admin page's users, login sessions and login throttling, and the per-company posting
// options the page edits (month-end split, the mapping text) that the summarizing paths read.

#include <string_view>

namespace settlebridge::store {

std::string_view adminSchemaSql();

}  // namespace settlebridge::store
