#pragma once
// The daemon's counts of sign-ins refused without a password check (common::SignInRefusals), kept in the database
// (app_settings "sign_in_refusals") so that `settlebridge status`, another process, can show them.

#include <optional>

#include "daemon/common/sign_in_refusals.hpp"
#include "daemon/store/records.hpp"

namespace settlebridge::store {

class Database;

struct RefusalTotals {
    Timestamp since = 0;      // the daemon's start: the counts are since then
    Timestamp updatedAt = 0;  // when they were saved
    common::SignInRefusals::Counts counts;
};

/// The last saved totals, or nullopt (no daemon has saved any). A damaged value reads as nullopt.
std::optional<RefusalTotals> loadRefusalTotals(Database& db);
void saveRefusalTotals(Database& db, const RefusalTotals& totals);

}  // namespace settlebridge::store
