#include "daemon/app/refusal_report.hpp"

#include "daemon/store/store.hpp"

namespace settlebridge::app {

namespace {

using Refusals = common::SignInRefusals;
constexpr Refusals::Reason kReasons[] = {Refusals::Reason::GateBusy, Refusals::Reason::AddressThrottled,
                                         Refusals::Reason::NameRateLimited, Refusals::Reason::Locked};

bool same(const Refusals::Counts& a, const Refusals::Counts& b) { return a.byDoor == b.byDoor; }

}  // namespace

RefusalReport::RefusalReport(store::Store& store, const common::SignInRefusals& refusals, std::chrono::seconds lineEvery)
    : store_(store), refusals_(refusals), lineEvery_(lineEvery) {}

std::string RefusalReport::line(Refusals::Reason reason, std::uint64_t webConnector, std::uint64_t admin,
                                std::int64_t seconds) {
    const std::uint64_t count = webConnector + admin;
    std::string text = std::to_string(count) + (count == 1 ? " sign-in" : " sign-ins") +
                       " refused without a password check in the last " + std::to_string(seconds) + " s: " +
                       std::string(Refusals::describe(reason)) + " (";
    if (webConnector > 0) text += "Web Connector " + std::to_string(webConnector);
    if (webConnector > 0 && admin > 0) text += ", ";
    if (admin > 0) text += "admin page " + std::to_string(admin);
    text += "; answered \"busy\" / 429 / 503 with the seconds to wait).";
    return text;
}

std::string RefusalReport::run(store::Timestamp now) {
    const Refusals::Counts counts = refusals_.snapshot();
    std::string written;
    struct Due {
        Refusals::Reason reason;
        std::uint64_t webConnector;
        std::uint64_t admin;
        std::int64_t seconds;
    };
    std::vector<Due> due;
    for (const auto reason : kReasons) {
        const auto r = static_cast<std::size_t>(reason);
        const std::uint64_t wc = counts.at(Refusals::Door::WebConnector, reason) -
                                 logged_.at(Refusals::Door::WebConnector, reason);
        const std::uint64_t admin = counts.at(Refusals::Door::Admin, reason) - logged_.at(Refusals::Door::Admin, reason);
        if (wc + admin == 0) continue;
        if (lastLine_[r] != 0 && now - lastLine_[r] < lineEvery_.count()) continue;
        const store::Timestamp from = lastLine_[r] != 0 ? lastLine_[r] : refusals_.since();
        due.push_back({reason, wc, admin, std::max<std::int64_t>(1, now - from)});
    }
    const bool changed = !savedOnce_ || !same(counts, saved_);
    if (due.empty() && !changed) return written;
    store_.write([&](store::Tx& tx) {
        for (const auto& d : due) {
            tx.events().add(now, std::nullopt, store::EventLevel::Warning,
                            line(d.reason, d.webConnector, d.admin, d.seconds));
        }
        if (changed) saveRefusalTotals(tx.database(), store::RefusalTotals{refusals_.since(), now, counts});
    });
    saved_ = counts;
    savedOnce_ = true;
    for (const auto& d : due) {
        const auto r = static_cast<std::size_t>(d.reason);
        lastLine_[r] = now;
        for (const auto door : {Refusals::Door::WebConnector, Refusals::Door::Admin}) {
            logged_.byDoor[static_cast<std::size_t>(door)][r] = counts.at(door, d.reason);
        }
        if (!written.empty()) written += "; ";
        written += line(d.reason, d.webConnector, d.admin, d.seconds);
    }
    return written;
}

}  // namespace settlebridge::app
