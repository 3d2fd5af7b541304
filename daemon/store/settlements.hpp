#pragma once
// Imported settlement reports (the raw bytes are kept so any summary can be rebuilt) and their summaries.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/store/records.hpp"

namespace settlebridge::store {

class Database;

class Settlements {
public:
    explicit Settlements(Database& db) noexcept : db_(db) {}

    /// Inserts a settlement row with its raw report; returns it with its id. Throws StoreError on a duplicate
    /// (same company + report hash, or a second active row for one settlement id).
    SettlementRecord insert(SettlementRecord record, std::string_view rawDocument);

    std::optional<SettlementRecord> find(std::int64_t id);
    std::optional<SettlementRecord> findByHash(std::int64_t companyId, std::string_view reportHash);
    /// The active row of a settlement id (conflicting re-issues are kept apart with state Conflict).
    std::optional<SettlementRecord> findActive(std::int64_t companyId, std::string_view settlementId);
    std::vector<SettlementRecord> list(std::int64_t companyId);

    std::string rawDocument(std::int64_t id);

    /// Takes a settlement row out of the queue for good: state Conflict with `note` (and the row that replaced
    /// it, once known). Its raw report and summary stay for reference.
    void retire(std::int64_t id, std::string_view note, std::optional<std::int64_t> supersededBy);

    void saveSummary(const SummaryRecord& summary);
    std::optional<SummaryRecord> summary(std::int64_t settlementRow);

private:
    Database& db_;
};

}  // namespace settlebridge::store
