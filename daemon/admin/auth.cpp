#include "daemon/admin/auth.hpp"

#include <algorithm>

#include "daemon/common/sign_in_refusals.hpp"
#include "daemon/common/text.hpp"
#include "daemon/store/crypto.hpp"

namespace settlebridge::admin {

namespace {

// Failures are kept per (name, address): a stranger's guesses never lock the admin out from their own address.
std::string userKey(std::string_view name, std::string_view address) {
    return "user:" + common::asciiLower(name) + "@" + std::string(address);
}
std::string addressKey(std::string_view address) { return "ip:" + std::string(address); }

void checkName(const std::string& name) {
    if (name.empty()) throw ApiError(400, "enter a user name", "user");
    if (name.size() > 64) throw ApiError(400, "the user name can have at most 64 characters", "user");
    for (const unsigned char c : name) {
        if (c < 0x20 || c == 0x7f) throw ApiError(400, "the user name cannot contain control characters", "user");
    }
}

}  // namespace

std::string Auth::passwordProblem(std::string_view password) {
    if (password.size() < 10) return "the password needs at least 10 characters";
    if (password.size() > 1024) return "the password can have at most 1024 characters";
    return {};
}

bool Auth::setupNeeded() {
    return ctx_.store().read([](store::Tx& tx) { return store::AdminUsers(tx.database()).count() == 0; });
}

LoginResult Auth::open(const store::AdminUser& user, store::Tx& tx) {
    const store::Timestamp now = ctx_.now();
    LoginResult result;
    result.token = store::toHex(store::randomBytes(32));
    store::AdminSession session;
    session.tokenHash = store::sha256Hex(result.token);
    session.userId = user.id;
    session.userName = user.name;
    session.csrfToken = store::toHex(store::randomBytes(32));
    session.createdAt = now;
    session.lastSeenAt = now;
    session.expiresAt = now + ctx_.options().sessionIdle.count();
    store::AdminSessions sessions(tx.database());
    sessions.purgeExpired(now);
    result.session = sessions.create(session);
    return result;
}

LoginResult Auth::setup(const std::string& name, const std::string& password, const std::string& clientAddress) {
    checkName(name);
    if (const std::string problem = passwordProblem(password); !problem.empty()) throw ApiError(400, problem, "password");
    return ctx_.store().write([&](store::Tx& tx) {
        store::AdminUsers users(tx.database());
        if (users.count() > 0) throw ApiError(409, "the admin user exists already: log in");
        const store::AdminUser user = users.create(name, password, ctx_.now(), ctx_.options().pbkdf2Iterations);
        tx.events().add(ctx_.now(), std::nullopt, store::EventLevel::Info,
                        "admin user \"" + name + "\" created from " + clientAddress);
        return open(user, tx);
    });
}

void Auth::checkThrottle(store::Tx& tx, const std::string& user, const std::string& address) {
    store::LoginThrottle throttle(tx.database());
    const store::Timestamp now = ctx_.now();
    const store::Timestamp byUser = throttle.get(user).blockedUntil;
    const store::Timestamp byAddress = throttle.get(address).blockedUntil;
    const store::Timestamp until = std::max(byUser, byAddress);
    if (until > now) {
        common::SignInRefusals::shared().count(common::SignInRefusals::Door::Admin,
                                               byAddress >= byUser ? common::SignInRefusals::Reason::AddressThrottled
                                                                   : common::SignInRefusals::Reason::Locked);
        const auto wait = static_cast<int>(until - now);
        throw ApiError(429, "too many failed logins: try again in " + std::to_string(wait) +
                                (wait == 1 ? " second" : " seconds"))
            .withRetryAfter(wait);
    }
}

void Auth::recordFailure(store::Tx& tx, const std::string& key, int freeFailures) {
    store::LoginThrottle throttle(tx.database());
    const store::Timestamp now = ctx_.now();
    store::LoginFailures failures = throttle.get(key);
    failures.failures += 1;
    failures.lastAt = now;
    if (failures.failures >= freeFailures) {
        const ThrottlePolicy& policy = ctx_.options().throttle;
        const int doublings = std::min(failures.failures - freeFailures, 20);
        const std::int64_t block =
            std::min<std::int64_t>(policy.firstBlock.count() << doublings, policy.maxBlock.count());
        failures.blockedUntil = now + block;
    }
    throttle.save(failures);
}

LoginResult Auth::login(const std::string& name, const std::string& password, const std::string& clientAddress) {
    const std::string uKey = userKey(name, clientAddress);
    const std::string aKey = addressKey(clientAddress);
    // Throttle check and the stored hash in one read; PBKDF2 runs outside any transaction.
    const auto stored = ctx_.store().read([&](store::Tx& tx) {
        checkThrottle(tx, uKey, aKey);
        return store::AdminUsers(tx.database()).passwordHash(name);
    });
    // The try counts before the hash, and only a few hashes run at once (common::PasswordGate).
    common::SignInGuard& guard = ctx_.signInGuard();
    common::SignInGuard::Attempt attempt = guard.begin(common::asciiLower(name), clientAddress, ctx_.now());
    if (attempt.verdict == common::SignInGuard::Verdict::Busy) {
        const auto wait = static_cast<int>(attempt.retryAfter);
        throw ApiError(503, "the server is busy checking other passwords: try again in " + std::to_string(wait) +
                                " seconds")
            .withRetryAfter(wait);
    }
    if (attempt.verdict == common::SignInGuard::Verdict::Refused) {
        // Not checked: "try again later" (429 + Retry-After), never "wrong password".
        const auto wait = static_cast<int>(std::max<std::int64_t>(1, attempt.retryAfter));
        throw ApiError(429, "too many failed logins: try again in " + std::to_string(wait) +
                                (wait == 1 ? " second" : " seconds"))
            .withRetryAfter(wait);
    }
    bool good = false;
    attempt.check([&] {
        if (stored) {
            good = store::verifyPassword(*stored, password);
        } else {
            // The same work for an unknown name, so timing does not tell names apart.
            static const store::PasswordHash dummy = store::hashPassword("settlebridge-no-such-user", 1);
            store::PasswordHash costly = dummy;
            costly.iterations = ctx_.options().pbkdf2Iterations;
            (void)store::verifyPassword(costly, password);
        }
    });
    guard.finish(attempt, good, ctx_.now());
    std::optional<LoginResult> result = ctx_.store().write([&](store::Tx& tx) -> std::optional<LoginResult> {
        checkThrottle(tx, uKey, aKey);  // another attempt may have failed meanwhile
        auto user = store::AdminUsers(tx.database()).findByName(name);
        if (!good || !user) {
            // Recorded and committed; the 401 is thrown after the transaction.
            // Counters of keys quiet for a day go: the table holds what attacks are going on, not their history.
            store::LoginThrottle(tx.database()).purge(ctx_.now() - 24 * 3600, ctx_.now());
            recordFailure(tx, uKey, ctx_.options().throttle.freeFailures);
            recordFailure(tx, aKey, ctx_.options().throttle.freeFailuresPerAddress);
            tx.events().add(ctx_.now(), std::nullopt, store::EventLevel::Warning,
                            "failed admin login for \"" + name.substr(0, 64) + "\" from " + clientAddress);
            return std::nullopt;
        }
        store::LoginThrottle(tx.database()).clear(uKey);
        store::LoginThrottle(tx.database()).clear(aKey);
        return open(*user, tx);
    });
    if (!result) throw ApiError(401, "wrong user name or password");
    return *result;
}

std::optional<store::AdminSession> Auth::session(std::string_view token) {
    if (token.size() != 64) return std::nullopt;
    const std::string hash = store::sha256Hex(token);
    const store::Timestamp now = ctx_.now();
    auto found = ctx_.store().read(
        [&](store::Tx& tx) { return store::AdminSessions(tx.database()).findByTokenHash(hash); });
    if (!found) return std::nullopt;
    if (found->expiresAt <= now || found->createdAt + ctx_.options().sessionMaxAge.count() <= now) {
        ctx_.store().write([&](store::Tx& tx) { store::AdminSessions(tx.database()).remove(found->id); });
        return std::nullopt;
    }
    if (now - found->lastSeenAt >= 60) {  // keep writes rare: move the expiry at most once a minute
        const store::Timestamp expires =
            std::min(now + ctx_.options().sessionIdle.count(), found->createdAt + ctx_.options().sessionMaxAge.count());
        ctx_.store().write([&](store::Tx& tx) { store::AdminSessions(tx.database()).touch(found->id, now, expires); });
        found->lastSeenAt = now;
        found->expiresAt = expires;
    }
    return found;
}

void Auth::logout(const store::AdminSession& session) {
    ctx_.store().write([&](store::Tx& tx) { store::AdminSessions(tx.database()).remove(session.id); });
}

std::string Auth::cookie(const std::string& token) const {
    std::string value = std::string(kSessionCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict";
    if (ctx_.options().secureCookies) value += "; Secure";
    return value;
}

std::string Auth::clearingCookie() const {
    std::string value = std::string(kSessionCookie) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict";
    if (ctx_.options().secureCookies) value += "; Secure";
    return value;
}

bool Auth::csrfMatches(const store::AdminSession& session, std::string_view header) {
    return !header.empty() && store::constantTimeEqual(session.csrfToken, header);
}

}  // namespace settlebridge::admin
