#include "daemon/store/refusal_totals.hpp"

#include <string>

#include "daemon/common/json.hpp"
#include "daemon/store/amazon_connections.hpp"

namespace settlebridge::store {

namespace {

constexpr std::string_view kSetting = "sign_in_refusals";
using Refusals = common::SignInRefusals;
constexpr Refusals::Door kDoors[] = {Refusals::Door::WebConnector, Refusals::Door::Admin};
constexpr Refusals::Reason kReasons[] = {Refusals::Reason::GateBusy, Refusals::Reason::AddressThrottled,
                                         Refusals::Reason::NameRateLimited, Refusals::Reason::Locked};

std::optional<std::int64_t> wholeNumber(const std::string& text) {
    if (text.empty() || text.size() > 19) return std::nullopt;
    std::int64_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

}  // namespace

std::optional<RefusalTotals> loadRefusalTotals(Database& db) {
    const std::optional<std::string> text = AppSettings(db).get(kSetting);
    if (!text) return std::nullopt;
    try {
        const common::Json json = common::Json::parse(*text);
        RefusalTotals totals;
        const auto since = wholeNumber(json.get("since"));
        const auto updated = wholeNumber(json.get("updated_at"));
        if (!since || !updated) return std::nullopt;
        totals.since = *since;
        totals.updatedAt = *updated;
        for (const auto door : kDoors) {
            const common::Json* byReason = json.find(Refusals::key(door));
            if (byReason == nullptr || !byReason->isObject()) return std::nullopt;
            for (const auto reason : kReasons) {
                const auto n = wholeNumber(byReason->get(Refusals::key(reason), "0"));
                if (!n) return std::nullopt;
                totals.counts.byDoor[static_cast<std::size_t>(door)][static_cast<std::size_t>(reason)] =
                    static_cast<std::uint64_t>(*n);
            }
        }
        return totals;
    } catch (const common::JsonError&) {
        return std::nullopt;
    }
}

void saveRefusalTotals(Database& db, const RefusalTotals& totals) {
    std::string text = "{\"since\":" + std::to_string(totals.since) + ",\"updated_at\":" +
                       std::to_string(totals.updatedAt);
    for (const auto door : kDoors) {
        text += ",\"" + std::string(Refusals::key(door)) + "\":{";
        bool first = true;
        for (const auto reason : kReasons) {
            if (!first) text += ',';
            first = false;
            text += "\"" + std::string(Refusals::key(reason)) + "\":" + std::to_string(totals.counts.at(door, reason));
        }
        text += '}';
    }
    text += '}';
    AppSettings(db).set(kSetting, text, totals.updatedAt);
}

}  // namespace settlebridge::store
