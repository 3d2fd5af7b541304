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
// - name: after `freeNameFailures` failures across addresses within lockMax, the name's checks from any address
//   but its owner's are limited to one per `nameInterval`.
// - The owner of a name (the address that last signed in successfully as it) is never refused, and its checks go
//   first through the gate.
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
        std::chrono::seconds lockBase{2};
        std::chrono::seconds lockMax{300};
        std::size_t maxEntries = 10'000;
    };

    enum class Verdict {
        Go,       // check the password now (the attempt holds a gate slot), then call finish()
        Refused,  // locked out or rate-limited: answer as for a wrong password, without hashing
        Busy,     // no gate slot came free in time: answer "busy", try again in retryAfter seconds
    };

    class Attempt {
    public:
        Verdict verdict = Verdict::Refused;
        std::int64_t retryAfter = 0;  // seconds (Refused, Busy)
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

    /// `gate` must outlive the guard (default: the process-wide one).
    explicit SignInGuard(Options options, PasswordGate& gate = PasswordGate::shared());

    /// Decides whether `address` may try a password for `name` (compare names case-folded) at `now` (seconds).
    /// Go: the try is already counted as a failure; finish() undoes that on success.
    Attempt begin(const std::string& name, const std::string& address, std::int64_t now);
    /// Records the outcome of a Go attempt and frees its gate slot.
    void finish(Attempt& attempt, bool success, std::int64_t now);

    /// Seconds `address` is still refused for `name` (0 = not refused); counts nothing. For callers that can answer
    /// without a password check (a remembered sign-in): a locked-out address must not get in that way either.
    std::int64_t refusedFor(const std::string& name, const std::string& address, std::int64_t now);
    /// A sign-in that succeeded without a check through begin() (a remembered one): `address` owns `name` now.
    void succeeded(const std::string& name, const std::string& address);

    /// The address that last signed in successfully as `name` ("" if none is known).
    std::string owner(const std::string& name);

private:
    struct Failures {
        int count = 0;
        std::int64_t last = 0;
        std::int64_t lockedUntil = 0;
    };
    struct NameState {
        Failures failures;
        std::int64_t nextAllowed = 0;
        std::string owner;
    };
    void countFailure(Failures& f, int free, std::int64_t now) const;
    std::int64_t lockedUntilLocked(const std::string& name, const std::string& address, std::int64_t now);
    [[nodiscard]] bool locked(const Failures* f, int free, std::int64_t now) const;

    Options options_;
    PasswordGate& gate_;
    std::mutex mutex_;
    LruMap<Failures> pairs_;
    LruMap<Failures> addresses_;
    LruMap<NameState> names_;
};

}  // namespace settlebridge::common
