#include "daemon/posting/exchange_rate.hpp"

#include "daemon/common/datetime.hpp"

namespace settlebridge::posting {

namespace {

bool isDigit(char c) noexcept { return c >= '0' && c <= '9'; }

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

std::optional<std::int64_t> dayNumber(std::string_view date) {
    if (date.size() != 10 || date[4] != '-' || date[7] != '-') return std::nullopt;
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
        if (!isDigit(date[i])) return std::nullopt;
    }
    const int year = (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 + (date[3] - '0');
    const unsigned month = static_cast<unsigned>((date[5] - '0') * 10 + (date[6] - '0'));
    const unsigned day = static_cast<unsigned>((date[8] - '0') * 10 + (date[9] - '0'));
    if (month < 1 || month > 12 || day < 1 || day > common::daysInMonth(year, month)) return std::nullopt;
    return common::daysFromCivil(year, month, day);
}

std::string approveCommand(const RateContext& ctx) {
    return "settlebridge approve " + ctx.settlementId + " --company " + ctx.companyName + " --exchange-rate RATE";
}

}  // namespace

std::optional<std::string> canonicalRate(std::string_view text) {
    text = trimmed(text);
    const std::size_t dot = text.find('.');
    std::string whole(text.substr(0, dot));
    std::string fraction = dot == std::string_view::npos ? std::string() : std::string(text.substr(dot + 1));
    if (whole.empty() && fraction.empty()) return std::nullopt;
    for (char c : whole + fraction) {
        if (!isDigit(c)) return std::nullopt;
    }
    if (fraction.size() > kMaxRateDecimals) {
        // Round half up at the 10th decimal, exactly, on the digits.
        const bool up = fraction[kMaxRateDecimals] >= '5';
        fraction.resize(kMaxRateDecimals);
        if (up) {
            std::string digits = whole + fraction;
            std::size_t i = digits.size();
            while (i > 0 && digits[i - 1] == '9') {
                digits[i - 1] = '0';
                --i;
            }
            if (i == 0) {
                digits.insert(digits.begin(), '1');
            } else {
                digits[i - 1] = static_cast<char>(digits[i - 1] + 1);
            }
            whole = digits.substr(0, digits.size() - kMaxRateDecimals);
            fraction = digits.substr(digits.size() - kMaxRateDecimals);
        }
    }
    while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
    const std::size_t firstNonZero = whole.find_first_not_of('0');
    whole = firstNonZero == std::string::npos ? std::string("0") : whole.substr(firstNonZero);
    if (whole.size() > kMaxRateIntegerDigits) return std::nullopt;
    if (whole == "0" && fraction.empty()) return std::nullopt;  // zero is not a rate
    return fraction.empty() ? whole : whole + "." + fraction;
}

std::optional<std::int64_t> daysBetween(std::string_view earlier, std::string_view later) {
    const auto a = dayNumber(earlier);
    const auto b = dayNumber(later);
    if (!a || !b) return std::nullopt;
    return *b - *a;
}

RateDecision decideRate(const store::CurrencyRate* read, const RateContext& ctx, std::int64_t settlementRow,
                        domain::Timestamp now) {
    RateDecision out;
    const std::string what = ctx.currencyName + " (" + ctx.currency + ")";
    const std::string orApprove = ", or approve the settlement with the rate to use (" + ctx.homeCurrency + " per " +
                                  ctx.currency + "): " + approveCommand(ctx) + ".";
    const std::optional<std::string> rate = read != nullptr ? canonicalRate(read->rate) : std::nullopt;
    if (!rate) {
        out.holdMessage = "QuickBooks has no exchange rate for " + what +
                          " in its currency list, and every document of settlement " + ctx.settlementId +
                          " carries one stated rate. Enter the rate in QuickBooks (Lists > Currency List), then "
                          "approve the settlement again" + orApprove;
        return out;
    }
    const auto age = daysBetween(read->asOf, ctx.settlementEnd);
    if (!age) {
        out.holdMessage = "QuickBooks' exchange rate for " + what + " (" + *rate +
                          ") has no date, so Settlebridge cannot tell whether it fits settlement " + ctx.settlementId +
                          " (ended " + ctx.settlementEnd + "). Enter the rate again in QuickBooks (Lists > Currency "
                          "List), then approve the settlement again" + orApprove;
        return out;
    }
    if (*age > ctx.maxAgeDays) {
        out.holdMessage = "QuickBooks' exchange rate for " + what + " is " + *rate + " as of " + read->asOf + ", " +
                          std::to_string(*age) + " days before the end of settlement " + ctx.settlementId + " (" +
                          ctx.settlementEnd + "); the limit is " + std::to_string(ctx.maxAgeDays) +
                          " days (setting exchange-rate-max-age-days). Update the rate in QuickBooks (Lists > "
                          "Currency List), then approve the settlement again" + orApprove;
        return out;
    }
    store::SettlementRate frozen;
    frozen.settlementRow = settlementRow;
    frozen.currency = ctx.currency;
    frozen.homeCurrency = ctx.homeCurrency;
    frozen.rate = *rate;
    frozen.asOf = read->asOf;
    frozen.source = "quickbooks";
    frozen.setAt = now;
    out.rate = frozen;
    return out;
}

std::string describeRate(const store::SettlementRate& rate) {
    std::string text = "1 " + rate.currency + " = " + rate.rate + " " + rate.homeCurrency;
    if (rate.source == "override") {
        text += " (set at approval" + (rate.setBy.empty() ? std::string() : " by " + rate.setBy) + ")";
    } else {
        text += " (QuickBooks' rate as of " + rate.asOf + ")";
    }
    return text;
}

}  // namespace settlebridge::posting
