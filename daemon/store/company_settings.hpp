#pragma once
// The rules for a QuickBooks company's settings that a person sets (when Testing becomes Live, the time zone, the
// QuickBooks customer), shared by the CLI (`settlebridge company add|set`, through app::Service) and the admin page
// (PUT /api/companies/{id}/settings) so both refuse the same values with the same words. Like
// sellercloud_settings.hpp, each check returns the problem (the setting's key and a message for people) or nothing.
//
//     if (auto p = store::checkAutoLiveDays(days)) refuse(p->field, p->message);

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace settlebridge::store {

/// One refused value: the setting's key ("auto_live_days", "time_zone", "customer_name") and the message.
struct CompanySettingProblem {
    std::string field;
    std::string message;
};

inline constexpr std::int64_t kMaxAutoLiveDays = 365;

/// Days after which a company in Testing becomes Live once a settlement was approved and posted: 0 (never
/// automatically) to 365.
std::optional<CompanySettingProblem> checkAutoLiveDays(std::int64_t days);

/// The company's time zone: "" (each marketplace's own zone) or an IANA name this machine knows
/// (settlement::TimeZone::load).
std::optional<CompanySettingProblem> checkTimeZone(std::string_view zone);

/// The QuickBooks customer the summaries are made out to: 1 to 41 characters per ':'-separated part, no control
/// characters (settlement::isValidCustomerName).
std::optional<CompanySettingProblem> checkCustomerName(std::string_view name);

}  // namespace settlebridge::store
