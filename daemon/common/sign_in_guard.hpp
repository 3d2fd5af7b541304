#pragma once
// Who may try a password now: per-address and per-(name, address) lockouts, a per-name rate limit across
// addresses, and the password gate (daemon/common/password_gate.hpp). Used by the Web Connector's authenticate and
// the admin page's login.
//
//   SignInGuard::Attempt a = guard.begin(name, address, now);   // the try counts as a failure from here on
//   if (a.verdict == SignInGuard::Verdict::Go) { ok = verifyPassword(...); guard.finish(a, ok, now); }
//
// - A try is counted before the password is hashed, so concurrent guesses count too.
// - (name, address): after `freePairFailures` failures that address is refused for that name, for lockBase
//   doubling with each further failure up to lockMax. Other addresses are not affected, so an attacker cannot
//   lock the owner out.
// - address: after `freeAddressFailures` failures (any names) the address is refused the same way.
// - name: after `freeNameFailures` failures across addresses within lockMax, the name's checks are paced, in two
//   lanes: addresses that have failed (for this name or, recently, any) or came back before the time they were told
//   get one check per `nameInterval` between them (the slow lane); addresses with no failure get one check per
//   `cleanInterval` between them (the clean lane). A Web Connector signing in for the first time in the middle of a
//   flood is in the clean lane: the flooders, having failed or having asked again at once, are not.
// - The owner of a name (the address that last signed in successfully as it) is never refused, and its checks go
//   first through the gate.
// A refusal means the password was NOT checked: callers answer "try again later" (the Web Connector's "busy" with
// the seconds to wait, the admin page's 429 with Retry-After), never "wrong password"; only a checked password that
// did not match is a wrong password. Every refusal is counted by reason (common::SignInRefusals).
// Tables are bounded (maxEntries each) and evict the least recently used entry. Thread-safe.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "daemon/common/password_gate.hpp"
#include "daemon/common/sign_in_refusals.hpp"

namespace settlebridge::common {

/// A map that keeps at most `capacity` entries and drops the least recently used one to make room.
template <typename Value>
class LruMap {
public:
    explicit LruMap(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

    /// The entry (made with a default value if missing), now the most recently used.
    Value& touch(const std::string& key) {
        auto found = index_.find(key);
        if (found != index_.end()) {
            order_.splice(order_.begin(), order_, found->second);
            return found->second->second;
        }
        if (index_.size() >= capacity_) {
            index_.erase(order_.back().first);
            order_.pop_back();
        }
        order_.emplace_front(key, Value{});
        index_.emplace(key, order_.begin());
        return order_.front().second;
    }
    /// The entry without making it recent, or nullptr.
    Value* peek(const std::string& key) {
        auto found = index_.find(key);
        return found == index_.end() ? nullptr : &found->second->second;
    }
    void erase(const std::string& key) {
        auto found = index_.find(key);
        if (found == index_.end()) return;
        order_.erase(found->second);
        index_.erase(found);
    }
    [[nodiscard]] std::size_t size() const noexcept { return index_.size(); }

private:
    std::size_t capacity_;
    std::list<std::pair<std::string, Value>> order_;  // most recent first
    std::unordered_map<std::string, typename std::list<std::pair<std::string, Value>>::iterator> index_;
};

class SignInGuard {
public:
    struct Options {
        int freePairFailures = 3;
        int freeAddressFailures = 10;
        int freeNameFailures = 20;
        std::chrono::seconds nameInterval{5};
        std::chrono::seconds cleanInterval{1};
        std::chrono::seconds lockBase{2};
        std::chrono::seconds lockMax{300};
        std::size_t maxEntries = 10'000;
        SignInRefusals::Door door = SignInRefusals::Door::WebConnector;  // where refusals are counted
    };
    using Reason = SignInRefusals::Reason;

    enum class Verdict {
        Go,       // check the password now (the attempt holds a gate slot), then call finish()
        Refused,  // locked out or rate-limited, the password NOT checked: answer "try again in retryAfter seconds"
        Busy,     // no gate slot came free in time: answer "busy", try again in retryAfter seconds
    };
    /// Seconds a caller is told to wait when the gate is busy.
    static constexpr std::int64_t kGateBusyRetrySeconds = 2;

    class Attempt {
    public:
        Verdict verdict = Verdict::Refused;
        std::int64_t retryAfter = 0;  // seconds (Refused, Busy)
        Reason reason = Reason::Locked;  // why (Refused, Busy)
        bool owner = false;           // the address is the name's owner

        /// A Go attempt: runs the password check on the gate's threads (PasswordGate::Permit::run).
        void check(const std::function<void()>& work) {
            if (permit_) {
                permit_->run(work);
            } else {
                work();
            }
        }

    private:
        friend class SignInGuard;
        std::string name_;
        std::string address_;
        bool counted_ = false;
        std::optional<PasswordGate::Permit> permit_;
    };

    /// `gate` and `refusals` must outlive the guard (default: the process-wide ones).
    explicit SignInGuard(Options options, PasswordGate& gate = PasswordGate::shared(),
                         SignInRefusals& refusals = SignInRefusals::shared());

    /// Decides whether `address` may try a password for `name` (compare names case-folded) at `now` (seconds).
    /// Go: the try is already counted as a failure; finish() undoes that on success.
    Attempt begin(const std::string& name, const std::string& address, std::int64_t now);
    /// Records the outcome of a Go attempt and frees its gate slot.
    void finish(Attempt& attempt, bool success, std::int64_t now);

    /// Seconds `address` is still refused for `name` (0 = not refused), and why; counts no try but counts the
    /// refusal. For callers that can answer without a password check (a remembered sign-in): a locked-out address
    /// must not get in that way either. The name's pacing refuses only the slow lane here (no hash is run).
    struct Refusal {
        std::int64_t seconds = 0;
        Reason reason = Reason::Locked;
    };
    Refusal refusedFor(const std::string& name, const std::string& address, std::int64_t now);
    /// A sign-in that succeeded without a check through begin() (a remembered one): `address` owns `name` now.
    void succeeded(const std::string& name, const std::string& address);

    /// The address that last signed in successfully as `name` ("" if none is known).
    std::string owner(const std::string& name);

private:
    struct Failures {
        int count = 0;
        std::int64_t last = 0;
        std::int64_t lockedUntil = 0;
        std::int64_t toldUntil = 0;  // pairs: the time this address was told to come back (a refused try)
        bool impatient = false;      // pairs: came back before that time (slow lane until it signs in)
    };
    struct NameState {
        Failures failures;
        std::int64_t nextAllowed = 0;  // slow lane
        std::int64_t nextClean = 0;    // clean lane
        std::string owner;
    };
    // What refuses `address` for `name` now (seconds 0: nothing); `clean` says which lane of the name it is in.
    struct Decision {
        std::int64_t until = 0;
        Reason reason = Reason::Locked;
        bool clean = false;
        bool nameLimited = false;
    };
    void countFailure(Failures& f, int free, std::int64_t now) const;
    Decision decideLocked(const std::string& name, const std::string& address, std::int64_t now);
    [[nodiscard]] bool locked(const Failures* f, int free, std::int64_t now) const;

    Options options_;
    PasswordGate& gate_;
    SignInRefusals& refusals_;
    std::mutex mutex_;
    LruMap<Failures> pairs_;
    LruMap<Failures> addresses_;
    LruMap<NameState> names_;
};

}  // namespace settlebridge::common
