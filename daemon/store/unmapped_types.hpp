#pragma once
// The kinds of settlement rows no mapping rule covers (the "Unmapped" lines), across every settlement a company has
// imported, and mapping one of them to a category with one rule added to the company's versioned mapping. The admin
// page (GET /api/companies/{id}/unmapped, POST .../unmapped/map) and the CLI (`settlebridge unmapped`) both use it.
//
// A kind is the (transaction-type, amount-type, amount-description) triple the summarizer kept on an Unmapped line;
// it is listed with each active settlement it appeared in (rows and amount, in that settlement's currency) and what
// the company's mapping makes of it now: mapping it changes the mapping version that summaries of settlements
// imported from then on record; settlements already imported keep their stored summary (their documents may have
// been posted).

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "daemon/store/records.hpp"

namespace settlebridge::store {

class Tx;

struct UnmappedOccurrence {
    std::int64_t settlementRow = 0;
    std::string settlementId;
    std::string currency;
    std::size_t rows = 0;
    Cents amount = 0;
    std::size_t firstLine = 0;  // line of the first such row in the report
    Timestamp importedAt = 0;
};

struct UnmappedType {
    std::string transactionType;
    std::string amountType;
    std::string amountDescription;
    std::vector<UnmappedOccurrence> settlements;  // oldest import first
    std::size_t rows = 0;
    std::map<std::string, Cents> totals;  // per currency
    std::string mappedTo;  // the category the company's mapping gives the kind now; "" while nothing maps it
};

/// Every kind the company's active settlements put on Unmapped lines, still-unmapped ones first, then by the
/// number of rows (most first). Throws StoreError for an unknown company.
std::vector<UnmappedType> listUnmappedTypes(Tx& tx, std::int64_t companyId);

/// A mapping change that cannot be made (unknown category, a value a rule cannot hold, a kind already mapped...).
class UnmappedMappingError : public std::runtime_error {
public:
    UnmappedMappingError(std::string field, const std::string& message)
        : std::runtime_error(message), field_(std::move(field)) {}
    const std::string& field() const noexcept { return field_; }

private:
    std::string field_;
};

struct MappedType {
    std::string rule;             // the mapping line added
    std::string mappingVersion;   // e.g. "builtin-2+admin-4"
    int mappingRevision = 0;
    std::string category;
    std::string categoryLabel;
};

/// Adds `rule <transaction-type> <amount-type> <amount-description> <category>` to the company's mapping (an empty
/// field becomes "*"), moving it to the next revision, and logs who did it. Throws UnmappedMappingError when the
/// category is unknown, product or unmapped, when a field holds '*' or a control character, or when the mapping
/// would not parse; StoreError for an unknown company.
MappedType mapUnmappedType(Tx& tx, std::int64_t companyId, const std::string& transactionType,
                           const std::string& amountType, const std::string& amountDescription,
                           const std::string& category, const std::string& byUser, Timestamp now);

/// "builtin-2" or "builtin-2+admin-N": the version summaries record with the company's stored mapping.
std::string companyMappingVersion(const std::string& mappingText, int revision);

}  // namespace settlebridge::store
