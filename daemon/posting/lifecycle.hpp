#pragma once
// The Testing → Live lifecycle. A new company starts in Testing: its documents are held until someone approves
// them. It goes Live by hand (`settlebridge company set NAME --mode live`, the admin page) or automatically
// once it has been in Testing for `auto_live_days` days (default 30; 0 = never automatically) AND at least one
// of its settlements was approved and posted — a company nobody has looked at never goes Live on its own.

#include <string>
#include <vector>

#include "daemon/domain/records.hpp"
#include "daemon/store/store.hpp"

namespace settlebridge::posting {

struct LifecycleChange {
    std::string company;
    std::string message;
};

/// Switches every company that qualifies to Live (one transaction each) and logs it. Returns what changed.
std::vector<LifecycleChange> promoteDueCompanies(store::Store& store, domain::Timestamp now);

}  // namespace settlebridge::posting
