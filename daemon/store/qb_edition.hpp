#pragma once
// What a company file's QuickBooks edition has of its own, as Settlebridge learned it (schema version 6): the
// edition's country (HostRet/Country or the Web Connector's qbXMLCountry: "US", "CA"), the sales tax code list
// (SalesTaxCodeQuery), the exchange rates of its currency list (CurrencyQuery: rate and AsOfDate), the exchange
// rate frozen for each foreign-currency settlement (every document of the settlement carries it), and the
// company's limit on the age of QuickBooks' rate. Rates are exact decimal strings ("0.7312"), never floating point.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "daemon/store/records.hpp"

namespace settlebridge::store {

class Database;

/// Default of qb_company_edition.rate_max_age_days.
inline constexpr int kDefaultRateMaxAgeDays = 7;

struct EditionInfo {
    std::int64_t companyId = 0;
    std::string country;          ///< "" until a session reported it
    Timestamp taxCodesReadAt = 0; ///< when the code list was last read (0 = never)
    int rateMaxAgeDays = kDefaultRateMaxAgeDays;  ///< QuickBooks' rate may be at most this many days older than the settlement end
};

struct SalesTaxCode {
    std::string name;
    bool taxable = false;
    std::string description;
};

/// A currency's exchange rate as the company file's currency list had it when it was read.
struct CurrencyRate {
    std::string currency;  ///< ISO code
    std::string rate;      ///< home currency per unit, exact decimal; "" = the currency has no rate
    std::string asOf;      ///< YYYY-MM-DD ("" = QuickBooks gave no date)
    Timestamp readAt = 0;
};

/// The one rate of a foreign-currency settlement, frozen before its first document was sent.
struct SettlementRate {
    std::int64_t settlementRow = 0;
    std::string currency;      ///< the settlement's ISO code
    std::string homeCurrency;  ///< the company file's home currency (ISO) when it was frozen
    std::string rate;          ///< home currency per unit, exact decimal
    std::string asOf;          ///< QuickBooks' AsOfDate ("" for an override)
    std::string source;        ///< "quickbooks" or "override"
    Timestamp setAt = 0;
    std::string setBy;         ///< who overrode it ("cli", an admin user name); "" for QuickBooks' rate
};

class QbEditionRepo {
public:
    explicit QbEditionRepo(Database& db) noexcept : db_(db) {}

    EditionInfo get(std::int64_t companyId);
    void setCountry(std::int64_t companyId, const std::string& country);
    /// 0..3650; throws StoreError otherwise.
    void setRateMaxAgeDays(std::int64_t companyId, int days);

    /// The code list as last read ({} = never read), by name.
    std::vector<SalesTaxCode> taxCodes(std::int64_t companyId);
    /// Marks the list as not read (it is read again before the next receipt or credit memo).
    void forgetTaxCodes(std::int64_t companyId);
    /// Replaces the whole list.
    void replaceTaxCodes(std::int64_t companyId, const std::vector<SalesTaxCode>& codes, Timestamp now);

    std::optional<CurrencyRate> rate(std::int64_t companyId, const std::string& currency);
    void rememberRate(std::int64_t companyId, const CurrencyRate& rate);

    std::optional<SettlementRate> settlementRate(std::int64_t settlementRow);
    void freezeRate(const SettlementRate& rate);
    void clearSettlementRate(std::int64_t settlementRow);

private:
    void ensureRow(std::int64_t companyId);
    Database& db_;
};

}  // namespace settlebridge::store
