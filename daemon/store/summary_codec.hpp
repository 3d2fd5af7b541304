#pragma once
// A settlement Summary as JSON, so the store can keep it and rebuild every document from it later.
// Every field of settlement::Summary round-trips exactly (money as integer cents).

#include <string>
#include <string_view>

#include "daemon/settlement/model.hpp"
#include "daemon/store/database.hpp"

namespace settlebridge::store {

std::string encodeSummary(const settlement::Summary& summary);

/// Throws StoreError when the text is not a summary this version wrote.
settlement::Summary decodeSummary(std::string_view json);

}  // namespace settlebridge::store
