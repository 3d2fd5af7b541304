#pragma once
// Checks of the accounts a setting or the mapping names for items, made when they are saved (admin page) or given
// (CLI `import --map`), against what QuickBooks told Settlebridge about this company's accounts (the AccountQuery
// answers it keeps). The planner checks again before it sends anything (docs/ACCOUNTING.md §12).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/settlement/mapping.hpp"
#include "daemon/store/store.hpp"

namespace settlebridge::posting {

/// Why `account`, named as the account of an item, cannot be one as far as QuickBooks' answers known for this company
/// tell ('the account "Accounts Receivable" is an Accounts Receivable account in QuickBooks; an item's account is any
/// account but ...'), or "" when it can or its type is not known yet.
std::string knownItemAccountProblem(store::Tx& tx, std::int64_t companyId, std::string_view account);

/// The mapping's `account` lines with such a problem, each as "line N: <problem>".
std::vector<std::string> mappingAccountProblems(store::Tx& tx, std::int64_t companyId,
                                                const settlement::Mapping& mapping);

}  // namespace settlebridge::posting
