#pragma once
// Logging in to the admin page: the first-run admin user, password checks with throttling, sessions (an opaque
// random token in an HttpOnly, SameSite=Strict cookie; the database keeps only its SHA-256), the CSRF token every
// change must carry, and logging out.

#include <optional>
#include <string>
#include <string_view>

#include "daemon/admin/api.hpp"
#include "daemon/store/admin_users.hpp"

namespace settlebridge::admin {

inline constexpr std::string_view kSessionCookie = "sb_session";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

struct LoginResult {
    store::AdminSession session;
    std::string token;  // the cookie value (only the client keeps it)
};

class Auth {
public:
    explicit Auth(SiteContext& context) noexcept : ctx_(context) {}

    /// True until the first admin user exists.
    bool setupNeeded();
    /// First run: creates the admin user and logs it in. ApiError 409 once a user exists, 400 for a name or
    /// password that is not acceptable (the password needs at least 10 characters).
    LoginResult setup(const std::string& name, const std::string& password, const std::string& clientAddress);
    /// ApiError 401 for a wrong name or password (the same answer for both), 429 while throttled.
    LoginResult login(const std::string& name, const std::string& password, const std::string& clientAddress);
    /// The live session of a cookie token (its expiry moved forward), or nullopt.
    std::optional<store::AdminSession> session(std::string_view token);
    void logout(const store::AdminSession& session);

    /// Set-Cookie values that set and clear the session cookie.
    std::string cookie(const std::string& token) const;
    std::string clearingCookie() const;

    /// Constant-time check of the X-CSRF-Token header against the session's token.
    static bool csrfMatches(const store::AdminSession& session, std::string_view header);

    /// Checks an admin password's strength; the message says what is missing ("" = acceptable).
    static std::string passwordProblem(std::string_view password);

private:
    LoginResult open(const store::AdminUser& user, store::Tx& tx);
    void checkThrottle(store::Tx& tx, const std::string& userKey, const std::string& addressKey);
    void recordFailure(store::Tx& tx, const std::string& key, int freeFailures);

    SiteContext& ctx_;
};

}  // namespace settlebridge::admin
