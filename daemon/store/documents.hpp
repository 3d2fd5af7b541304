#pragma once
// The posting queue: one row per QuickBooks document. The state machine itself lives in daemon/posting;
// this repository only reads and writes rows.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/store/records.hpp"

namespace settlebridge::store {

class Database;

class Documents {
public:
    explicit Documents(Database& db) noexcept : db_(db) {}

    /// Inserts `doc` (its id is ignored); returns the new id. Throws StoreError if the company already has
    /// a document with the same external key.
    std::int64_t insert(const Document& doc);

    std::optional<Document> find(std::int64_t id);
    std::optional<Document> findByExternalKey(std::int64_t companyId, std::string_view externalKey);

    /// A company's documents, optionally in one state, in posting order (settlement import order, then seq).
    std::vector<Document> list(std::int64_t companyId, std::optional<DocState> state = std::nullopt);
    /// A company's documents in any of `states`, in posting order (uses the state index: cheap however many
    /// documents were posted over the years).
    std::vector<Document> listIn(std::int64_t companyId, const std::vector<DocState>& states);
    std::vector<Document> forSettlement(std::int64_t settlementRow);
    /// Documents whose last_session_id is `sessionId`.
    std::vector<Document> touchedBySession(std::int64_t sessionId);

    /// Writes every mutable field (state, QuickBooks results, counters, timestamps) of `doc`, by id.
    void save(const Document& doc);

    /// Deletes every document of a settlement. Refuses (StoreError, nothing deleted) when any of them was ever
    /// sent to QuickBooks: those are history and must stay.
    int removeUnsent(std::int64_t settlementRow);

    /// Number of documents per state for a company.
    std::map<DocState, int> countByState(std::int64_t companyId);

private:
    Database& db_;
};

}  // namespace settlebridge::store
