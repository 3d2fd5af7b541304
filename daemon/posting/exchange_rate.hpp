#pragma once
// One exchange rate per foreign-currency settlement (docs/POSTING.md, "Exchange rates"). Its sales receipts, credit
// memos and refunds all carry the same ExchangeRate (home currency per unit of the settlement's currency), frozen
// before the first of them is sent: the rate QuickBooks' currency list has (CurrencyQuery: ExchangeRate, AsOfDate)
// when that rate is recent enough for the settlement, or the one the bookkeeper gave at approval. A rate is an
// exact decimal string, never a floating-point number. Pure: no store access.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/store/qb_edition.hpp"

namespace settlebridge::posting {

/// Digits QuickBooks keeps of a rate (FLOATTYPE on ExchangeRate): at most 10 before and 10 after the point.
inline constexpr std::size_t kMaxRateIntegerDigits = 10;
inline constexpr std::size_t kMaxRateDecimals = 10;

/// `text` as a rate Settlebridge sends: a positive plain decimal ("0.7312", "1", "145.23"; blanks around it
/// ignored), written without leading zeros, trailing decimal zeros or a trailing point; more than 10 decimals are
/// rounded half up to 10. nullopt for anything else (sign, exponent, comma, zero, more than 10 integer digits).
std::optional<std::string> canonicalRate(std::string_view text);

/// Days from `earlier` to `later` (both YYYY-MM-DD): positive when `earlier` is before `later`. nullopt for a date
/// that is not a real YYYY-MM-DD.
std::optional<std::int64_t> daysBetween(std::string_view earlier, std::string_view later);

/// What a settlement needs to know to freeze its rate.
struct RateContext {
    std::string settlementId;
    std::string settlementEnd;   ///< YYYY-MM-DD, the settlement's last day in the company's time zone
    std::string currency;        ///< ISO code of the settlement
    std::string currencyName;    ///< QuickBooks' name of it ("Canadian Dollar")
    std::string homeCurrency;    ///< ISO code of the company file's home currency
    std::string companyName;     ///< the Settlebridge company (for the command in the message)
    int maxAgeDays = store::kDefaultRateMaxAgeDays;
};

/// Either the rate to freeze, or why the settlement is held instead (a message for the bookkeeper).
struct RateDecision {
    std::optional<store::SettlementRate> rate;
    std::string holdMessage;
};

/// Decides from QuickBooks' rate as read (`read`: nullptr when the currency list did not return the currency).
RateDecision decideRate(const store::CurrencyRate* read, const RateContext& ctx, std::int64_t settlementRow,
                        domain::Timestamp now);

/// "1 CAD = 0.7312 USD (QuickBooks' rate as of 2025-01-31)" / "(set at approval by NAME)".
std::string describeRate(const store::SettlementRate& rate);

}  // namespace settlebridge::posting
