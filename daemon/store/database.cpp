#include "daemon/store/database.hpp"

namespace settlebridge::store {

int Query::run() {
    while (next()) {
    }
    return stmt_->changes();
}

std::int64_t Query::insertedId() {
    if (!next()) throw StoreError("an INSERT ... RETURNING id returned no row");
    const std::int64_t id = getInt(0);
    while (next()) {
    }
    return id;
}

}  // namespace settlebridge::store
