#include "daemon/common/sign_in_refusals.hpp"

#include <ctime>

namespace settlebridge::common {

SignInRefusals::SignInRefusals() : since_(static_cast<std::int64_t>(std::time(nullptr))) {}

std::string_view SignInRefusals::key(Reason reason) {
    switch (reason) {
        case Reason::GateBusy: return "gate_busy";
        case Reason::AddressThrottled: return "address_throttled";
        case Reason::NameRateLimited: return "name_rate_limited";
        case Reason::Locked: return "locked";
    }
    return "unknown";
}

std::string_view SignInRefusals::key(Door door) {
    return door == Door::WebConnector ? "web_connector" : "admin";
}

std::string_view SignInRefusals::describe(Reason reason) {
    switch (reason) {
        case Reason::GateBusy: return "the password gate was busy";
        case Reason::AddressThrottled: return "the address had failed too often (any names)";
        case Reason::NameRateLimited: return "the user name was being guessed from many addresses (checks paced)";
        case Reason::Locked: return "the address had failed too often for that user name";
    }
    return "unknown";
}

SignInRefusals::Counts SignInRefusals::snapshot() const noexcept {
    Counts counts;
    for (std::size_t d = 0; d < kDoors; ++d) {
        for (std::size_t r = 0; r < kReasons; ++r) counts.byDoor[d][r] = counts_[d][r].load(std::memory_order_relaxed);
    }
    return counts;
}

SignInRefusals& SignInRefusals::shared() {
    static SignInRefusals refusals;
    return refusals;
}

}  // namespace settlebridge::common
