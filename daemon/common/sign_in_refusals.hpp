#pragma once
// Counts the sign-ins refused without a password check, per door (the Web Connector's authenticate, the admin
// page's login) and per reason, for `settlebridge status`, the admin page and the event log. The sign-in guard
// (daemon/common/sign_in_guard.hpp) counts into it; the daemon reads it. Lock-free counters; thread-safe.
//
//   SignInRefusals& refusals = SignInRefusals::shared();
//   refusals.count(SignInRefusals::Door::WebConnector, SignInRefusals::Reason::GateBusy);
//   SignInRefusals::Counts now = refusals.snapshot();   // totals since the process started

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace settlebridge::common {

class SignInRefusals {
public:
    enum class Door { WebConnector, Admin };
    static constexpr std::size_t kDoors = 2;
    enum class Reason {
        GateBusy,          // the password gate had no slot in time ("busy" / 503)
        AddressThrottled,  // the address failed too often, any names
        NameRateLimited,   // the name failed too often across addresses: its checks are paced
        Locked,            // the (name, address) pair failed too often
    };
    static constexpr std::size_t kReasons = 4;

    /// Totals per door and reason.
    struct Counts {
        std::array<std::array<std::uint64_t, kReasons>, kDoors> byDoor{};
        [[nodiscard]] std::uint64_t at(Door door, Reason reason) const {
            return byDoor[static_cast<std::size_t>(door)][static_cast<std::size_t>(reason)];
        }
        [[nodiscard]] std::uint64_t total(Reason reason) const {
            return at(Door::WebConnector, reason) + at(Door::Admin, reason);
        }
    };

    /// Stable keys ("gate_busy", "address_throttled", "name_rate_limited", "locked"; "web_connector", "admin").
    static std::string_view key(Reason reason);
    static std::string_view key(Door door);
    /// For people: "the password gate was busy", "the address was throttled", ...
    static std::string_view describe(Reason reason);

    void count(Door door, Reason reason) noexcept {
        counts_[static_cast<std::size_t>(door)][static_cast<std::size_t>(reason)].fetch_add(1,
                                                                                        std::memory_order_relaxed);
    }
    [[nodiscard]] Counts snapshot() const noexcept;
    /// When counting began (seconds since 1970: the process's start for shared()).
    [[nodiscard]] std::int64_t since() const noexcept { return since_; }

    SignInRefusals();

    /// The counters of this process (the guards count here unless given others).
    static SignInRefusals& shared();

private:
    std::int64_t since_;
    std::array<std::array<std::atomic<std::uint64_t>, kReasons>, kDoors> counts_{};
};

}  // namespace settlebridge::common
