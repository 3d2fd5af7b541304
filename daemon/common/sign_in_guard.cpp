#include "daemon/common/sign_in_guard.hpp"

#include <algorithm>

namespace settlebridge::common {

namespace {

std::string pairKey(const std::string& name, const std::string& address) { return name + '\n' + address; }

}  // namespace

SignInGuard::SignInGuard(Options options, PasswordGate& gate)
    : options_(options),
      gate_(gate),
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

std::int64_t SignInGuard::lockedUntilLocked(const std::string& name, const std::string& address, std::int64_t now) {
    NameState* state = names_.peek(name);
    if (state != nullptr && !state->owner.empty() && state->owner == address) return 0;
    Failures* pair = pairs_.peek(pairKey(name, address));
    Failures* byAddress = addresses_.peek(address);
    std::int64_t until = 0;
    if (locked(pair, options_.freePairFailures, now)) until = std::max(until, pair->lockedUntil);
    if (locked(byAddress, options_.freeAddressFailures, now)) until = std::max(until, byAddress->lockedUntil);
    if (state != nullptr && state->failures.count >= options_.freeNameFailures &&
        now - state->failures.last <= options_.lockMax.count() && now < state->nextAllowed) {
        until = std::max(until, state->nextAllowed);
    }
    return until > now ? until : 0;
}

std::int64_t SignInGuard::refusedFor(const std::string& name, const std::string& address, std::int64_t now) {
    std::lock_guard lock(mutex_);
    const std::int64_t until = lockedUntilLocked(name, address, now);
    return until > now ? until - now : 0;
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
    {
        std::lock_guard lock(mutex_);
        NameState* state = names_.peek(name);
        attempt.owner = state != nullptr && !state->owner.empty() && state->owner == address;
        if (attempt.owner) {
            priority = PasswordGate::kOwner;
        } else {
            Failures* pair = pairs_.peek(pairKey(name, address));
            Failures* byAddress = addresses_.peek(address);
            const std::int64_t until = lockedUntilLocked(name, address, now);
            if (until > now) {
                attempt.verdict = Verdict::Refused;
                attempt.retryAfter = until - now;
                return attempt;
            }
            if ((pair != nullptr && pair->count > 0) || (byAddress != nullptr && byAddress->count > 0)) {
                priority = PasswordGate::kSuspect;
            }
        }
        // Counted now, before the hash: guesses sent at once all count.
        NameState& named = names_.touch(name);
        if (!attempt.owner) {
            countFailure(pairs_.touch(pairKey(name, address)), options_.freePairFailures, now);
            countFailure(addresses_.touch(address), options_.freeAddressFailures, now);
            if (named.failures.count >= options_.freeNameFailures) {
                named.nextAllowed = now + options_.nameInterval.count();
            }
        }
        countFailure(named.failures, options_.freeNameFailures, now);
        attempt.counted_ = true;
    }
    attempt.permit_ = gate_.enter(priority);
    if (!attempt.permit_) {
        attempt.verdict = Verdict::Busy;
        attempt.retryAfter = 5;
        finish(attempt, true /* not a failure: nothing was checked */, now);
        attempt.verdict = Verdict::Busy;
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
