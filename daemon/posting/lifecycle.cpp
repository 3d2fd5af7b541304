#include "daemon/posting/lifecycle.hpp"

namespace settlebridge::posting {

std::vector<LifecycleChange> promoteDueCompanies(store::Store& store, domain::Timestamp now) {
    std::vector<LifecycleChange> changes;
    const auto candidates = store.read([](store::Tx& tx) {
        std::vector<std::int64_t> ids;
        for (const auto& c : tx.companies().list()) {
            if (c.mode == domain::CompanyMode::Testing && c.autoLiveDays > 0) ids.push_back(c.id);
        }
        return ids;
    });
    for (const std::int64_t id : candidates) {
        store.write([&](store::Tx& tx) {
            auto company = tx.companies().find(id);
            if (!company || company->mode != domain::CompanyMode::Testing || company->autoLiveDays <= 0) return;
            if (now < company->createdAt + static_cast<domain::Timestamp>(company->autoLiveDays) * 86'400) return;
            const auto counts = tx.documents().countByState(company->id);
            const auto posted = counts.find(domain::DocState::Posted);
            if (posted == counts.end() || posted->second == 0) return;
            company->mode = domain::CompanyMode::Live;
            company->liveSince = now;
            tx.companies().update(*company, now);
            LifecycleChange change{company->name, "Company \"" + company->name + "\" switched from Testing to Live after " +
                                                      std::to_string(company->autoLiveDays) +
                                                      " days with approved settlements posted: new documents are now "
                                                      "queued without review."};
            tx.events().add(now, company->id, domain::EventLevel::Info, change.message);
            changes.push_back(std::move(change));
        });
    }
    return changes;
}

}  // namespace settlebridge::posting
