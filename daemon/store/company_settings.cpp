#include "daemon/store/company_settings.hpp"

#include "daemon/settlement/mapping.hpp"
#include "daemon/settlement/timezone.hpp"

namespace settlebridge::store {

std::optional<CompanySettingProblem> checkAutoLiveDays(std::int64_t days) {
    if (days >= 0 && days <= kMaxAutoLiveDays) return std::nullopt;
    return CompanySettingProblem{"auto_live_days", "the days before Testing becomes Live must be a whole number from 0 "
                                                   "(never automatically) to " + std::to_string(kMaxAutoLiveDays)};
}

std::optional<CompanySettingProblem> checkTimeZone(std::string_view zone) {
    if (zone.empty()) return std::nullopt;
    try {
        (void)settlement::TimeZone::load(std::string(zone));
        return std::nullopt;
    } catch (const settlement::TimeZoneError&) {
        return CompanySettingProblem{"time_zone", "\"" + std::string(zone) +
                                                      "\" is not a time zone this machine knows (use a name like "
                                                      "America/Los_Angeles, or leave it empty for the marketplace's zone)"};
    }
}

std::optional<CompanySettingProblem> checkCustomerName(std::string_view name) {
    if (settlement::isValidCustomerName(name)) return std::nullopt;
    return CompanySettingProblem{"customer_name", "the customer name must have 1 to 41 characters per ':'-separated "
                                                  "part and no control characters"};
}

}  // namespace settlebridge::store
