#pragma once
// Reports the sign-ins refused without a password check (common::SignInRefusals): on each run it saves the totals
// for `settlebridge status` when they changed, and writes at most one event-log line per reason per `lineEvery`,
// with the count since that reason's last line, so a flood of refusals cannot flood the log.
//
//   RefusalReport report(store, common::SignInRefusals::shared());
//   scheduler.add("sign-in refusals", [&](store::Timestamp now, std::stop_token) { return report.run(now); });

#include <array>
#include <chrono>
#include <string>

#include "daemon/common/sign_in_refusals.hpp"
#include "daemon/store/records.hpp"
#include "daemon/store/refusal_totals.hpp"

namespace settlebridge::store {
class Store;
}

namespace settlebridge::app {

class RefusalReport {
public:
    RefusalReport(store::Store& store, const common::SignInRefusals& refusals,
                  std::chrono::seconds lineEvery = std::chrono::seconds(60));

    /// Saves and logs what is due at `now`; returns the lines written to the event log ("" = none), joined by "; ".
    std::string run(store::Timestamp now);

    /// The event-log line for `count` refusals for `reason` in the last `seconds` (per door in brackets).
    static std::string line(common::SignInRefusals::Reason reason, std::uint64_t webConnector, std::uint64_t admin,
                            std::int64_t seconds);

private:
    store::Store& store_;
    const common::SignInRefusals& refusals_;
    std::chrono::seconds lineEvery_;
    common::SignInRefusals::Counts saved_;   // the totals last saved
    common::SignInRefusals::Counts logged_;  // the totals at each reason's last line
    std::array<store::Timestamp, common::SignInRefusals::kReasons> lastLine_{};
    bool savedOnce_ = false;
};

}  // namespace settlebridge::app
