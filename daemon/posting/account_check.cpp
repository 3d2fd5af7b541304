#include "daemon/posting/account_check.hpp"

#include "qbxml/render.hpp"
#include "qbxml/rules.hpp"

namespace settlebridge::posting {

std::string knownItemAccountProblem(store::Tx& tx, std::int64_t companyId, std::string_view account) {
    std::string name(account);
    try {
        name = qbxml::normalizeAccountName(account);
    } catch (const qbxml::RenderError&) {
        return {};  // not a name QuickBooks accepts: said elsewhere
    }
    const auto entry = tx.lists().find(companyId, domain::ListKind::Account, name);
    if (!entry || entry->type.empty()) return {};
    return qbxml::accountTypeProblem(qbxml::AccountRole::Item, entry->fullName, entry->type);
}

std::vector<std::string> mappingAccountProblems(store::Tx& tx, std::int64_t companyId,
                                                const settlement::Mapping& mapping) {
    std::vector<std::string> out;
    for (const auto& line : mapping.accountLines()) {
        const std::string problem = knownItemAccountProblem(tx, companyId, line.account);
        if (!problem.empty()) out.push_back("line " + std::to_string(line.line) + ": " + problem);
    }
    return out;
}

}  // namespace settlebridge::posting
