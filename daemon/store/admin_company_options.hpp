#pragma once
// Per-company posting options the admin page edits (schema version 5, table company_options): the month-end split
// and the company's mapping text (the format of docs/ACCOUNTING.md §11: category items and accounts, customer
// names per currency or marketplace). Whatever summarizes a new settlement for the company (a manual import, the
// Amazon sync) reads them: `splitMonths` → SummarizeOptions::splitMonths, `mappingText` → Mapping::parse.
// `downloadWindowDays` and `syncEveryMinutes` are the defaults of the company's Amazon connections (the admin page
// writes them to every connection of the company too).

#include <cstdint>
#include <string>

#include "daemon/store/records.hpp"

namespace settlebridge::store {

class Database;

struct CompanyOptions {
    std::int64_t companyId = 0;
    bool splitMonths = false;
    std::string mappingText;    // "" = the built-in mapping only
    int mappingRevision = 0;    // bumped by every change of mappingText
    int downloadWindowDays = 30;  // 1..90
    int syncEveryMinutes = 360;   // settlement sync interval, >= 5
    bool taxRegistered = false;   // registered for GST/HST or VAT → SummarizeOptions::taxRegistered (schema version 6)
    Timestamp updatedAt = 0;
};

class CompanyOptionsRepo {
public:
    explicit CompanyOptionsRepo(Database& db) noexcept : db_(db) {}

    /// The company's options (defaults when none were saved).
    CompanyOptions get(std::int64_t companyId);
    /// Writes the options; bumps mappingRevision when the mapping text changed. Returns what is stored.
    CompanyOptions save(const CompanyOptions& options, Timestamp now);

private:
    Database& db_;
};

}  // namespace settlebridge::store
