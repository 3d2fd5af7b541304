#include "daemon/common/sign_in_guard.hpp"

#include <algorithm>

namespace settlebridge::common {

namespace {

std::string pairKey(const std::string& name, const std::string& address) { return name + '\n' + address; }

}  // namespace

SignInGuard::SignInGuard(Options options, PasswordGate& gate, SignInRefusals& refusals)
    : options_(options),
      gate_(gate),
      refusals_(refusals),
      pairs_(options.maxEntries),
      addresses_(options.maxEntries),
      names_(options.maxEntries) {}

bool SignInGuard::locked(const Failures* f, int free, std::int64_t now) const {
    return f != nullptr && f->count >= free && now < f->lockedUntil;
}

void SignInGuard::countFailure(Failures& f, int free, std::int64_t now) const {
    if (f.count > 0 && now - f.last > options_.lockMax.count() * 2) f.count = 0;  // long quiet: start over
    f.count += 1;
    f.last = now;
    if (f.count >= free) {
        const int doublings = std::min(f.count - free, 20);
        const std::int64_t delay =
            std::min<std::int64_t>(options_.lockBase.count() << doublings, options_.lockMax.count());
        f.lockedUntil = now + delay;
    }
}

SignInGuard::Decision SignInGuard::decideLocked(const std::string& name, const std::string& address,
                                                std::int64_t now) {
    Decision d;
    NameState* state = names_.peek(name);
    if (state != nullptr && !state->owner.empty() && state->owner == address) {
        d.clean = true;
        return d;
    }
    Failures* pair = pairs_.peek(pairKey(name, address));
    Failures* byAddress = addresses_.peek(address);
    if (locked(pair, options_.freePairFailures, now)) {
        d.until = pair->lockedUntil;
        d.reason = Reason::Locked;
    }
    if (locked(byAddress, options_.freeAddressFailures, now) && byAddress->lockedUntil > d.until) {
        d.until = byAddress->lockedUntil;
        d.reason = Reason::AddressThrottled;
    }
    const std::int64_t recent = options_.lockMax.count() * 2;
    const bool failed = (pair != nullptr && pair->count > 0 && now - pair->last <= recent) ||
                        (byAddress != nullptr && byAddress->count > 0 && now - byAddress->last <= recent);
    d.clean = !failed && !(pair != nullptr && pair->impatient);
    d.nameLimited = state != nullptr && state->failures.count >= options_.freeNameFailures &&
                    now - state->failures.last <= options_.lockMax.count();
    if (d.nameLimited) {
        const std::int64_t next = d.clean ? state->nextClean : state->nextAllowed;
        if (now < next && next > d.until) {
            d.until = next;
            d.reason = Reason::NameRateLimited;
        }
    }
    if (d.until <= now) d.until = 0;
    return d;
}

SignInGuard::Refusal SignInGuard::refusedFor(const std::string& name, const std::string& address,
                                             std::int64_t now) {
    std::lock_guard lock(mutex_);
    const Decision d = decideLocked(name, address, now);
    // The name's clean lane paces password hashes; a remembered sign-in runs none, so only the slow lane (addresses
    // that failed) is held back here.
    if (d.until <= now || (d.reason == Reason::NameRateLimited && d.clean)) return {};
    refusals_.count(options_.door, d.reason);
    return {d.until - now, d.reason};
}

void SignInGuard::succeeded(const std::string& name, const std::string& address) {
    std::lock_guard lock(mutex_);
    pairs_.erase(pairKey(name, address));
    addresses_.erase(address);
    names_.touch(name).owner = address;
}

SignInGuard::Attempt SignInGuard::begin(const std::string& name, const std::string& address, std::int64_t now) {
    Attempt attempt;
    attempt.name_ = name;
    attempt.address_ = address;
    int priority = PasswordGate::kClean;
    const std::string key = pairKey(name, address);
    {
        std::lock_guard lock(mutex_);
        NameState* state = names_.peek(name);
        attempt.owner = state != nullptr && !state->owner.empty() && state->owner == address;
        bool nameLimited = false;
        bool clean = true;
        if (attempt.owner) {
            priority = PasswordGate::kOwner;
        } else {
            if (Failures* pair = pairs_.peek(key)) {
                if (pair->toldUntil > now) {
                    pair->impatient = true;  // asked again before the time it was told: not a Web Connector
                } else if (pair->impatient && now - pair->toldUntil > options_.lockMax.count()) {
                    pair->impatient = false;  // quiet for long since
                }
            }
            const Decision d = decideLocked(name, address, now);
            if (d.until > now) {
                attempt.verdict = Verdict::Refused;
                attempt.retryAfter = d.until - now;
                attempt.reason = d.reason;
                Failures& told = pairs_.touch(key);
                told.toldUntil = std::max(told.toldUntil, d.until);
                refusals_.count(options_.door, d.reason);
                return attempt;
            }
            nameLimited = d.nameLimited;
            clean = d.clean;
            if (!clean) priority = PasswordGate::kSuspect;
        }
        // Counted now, before the hash: guesses sent at once all count.
        NameState& named = names_.touch(name);
        if (!attempt.owner) {
            countFailure(pairs_.touch(key), options_.freePairFailures, now);
            countFailure(addresses_.touch(address), options_.freeAddressFailures, now);
            if (nameLimited) {
                if (clean) {
                    named.nextClean = now + options_.cleanInterval.count();
                } else {
                    named.nextAllowed = now + options_.nameInterval.count();
                }
            }
        }
        countFailure(named.failures, options_.freeNameFailures, now);
        attempt.counted_ = true;
    }
    attempt.permit_ = gate_.enter(priority);
    if (!attempt.permit_) {
        attempt.verdict = Verdict::Busy;
        attempt.retryAfter = kGateBusyRetrySeconds;
        attempt.reason = Reason::GateBusy;
        finish(attempt, true /* not a failure: nothing was checked */, now);
        attempt.verdict = Verdict::Busy;
        if (!attempt.owner) {
            std::lock_guard lock(mutex_);
            Failures& told = pairs_.touch(key);
            told.toldUntil = std::max(told.toldUntil, now + attempt.retryAfter);
        }
        refusals_.count(options_.door, Reason::GateBusy);
        return attempt;
    }
    attempt.verdict = Verdict::Go;
    return attempt;
}

void SignInGuard::finish(Attempt& attempt, bool success, std::int64_t now) {
    attempt.permit_.reset();
    if (!attempt.counted_) return;
    attempt.counted_ = false;
    if (!success) return;  // the failure was counted in begin()
    std::lock_guard lock(mutex_);
    const bool checked = attempt.verdict == Verdict::Go;
    if (Failures* pair = pairs_.peek(pairKey(attempt.name_, attempt.address_))) {
        if (checked) {
            pairs_.erase(pairKey(attempt.name_, attempt.address_));
        } else if (pair->count > 0) {
            pair->count -= 1;
        }
    }
    if (Failures* byAddress = addresses_.peek(attempt.address_)) {
        if (checked) {
            addresses_.erase(attempt.address_);
        } else if (byAddress->count > 0) {
            byAddress->count -= 1;
        }
    }
    NameState& named = names_.touch(attempt.name_);
    if (named.failures.count > 0) named.failures.count -= 1;
    if (checked) {
        named.owner = attempt.address_;
        named.failures.lockedUntil = 0;
    }
    (void)now;
}

std::string SignInGuard::owner(const std::string& name) {
    std::lock_guard lock(mutex_);
    NameState* state = names_.peek(name);
    return state == nullptr ? std::string() : state->owner;
}

}  // namespace settlebridge::common
