#pragma once
// The admin page's users, login sessions and failed-login counters (schema version 5, schema_admin.cpp).
//
// Passwords are PBKDF2-SHA256 like the Web Connector passwords (crypto.hpp). A session is stored by the
// SHA-256 of its cookie token, never the token itself, so a copy of the database opens no session. The throttle
// policy (how long a key is blocked after how many failures) is the admin area's; this only keeps the counts.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/store/crypto.hpp"
#include "daemon/store/records.hpp"

namespace settlebridge::store {

class Database;

struct AdminUser {
    std::int64_t id = 0;
    std::string name;
    Timestamp createdAt = 0;
    Timestamp updatedAt = 0;
};

struct AdminSession {
    std::int64_t id = 0;
    std::string tokenHash;   // SHA-256 hex of the cookie token
    std::int64_t userId = 0;
    std::string userName;    // filled by the finders
    std::string csrfToken;   // sent back by the page on every change (X-CSRF-Token)
    Timestamp createdAt = 0;
    Timestamp lastSeenAt = 0;
    Timestamp expiresAt = 0;
};

struct LoginFailures {
    std::string key;            // "user:<name>" or "ip:<address>"
    int failures = 0;           // consecutive failures
    Timestamp blockedUntil = 0; // refused unchecked before this
    Timestamp lastAt = 0;
};

class AdminUsers {
public:
    explicit AdminUsers(Database& db) noexcept : db_(db) {}

    int count();
    /// Creates a user. Throws StoreError for an empty or taken name (case-insensitively).
    AdminUser create(std::string_view name, std::string_view password, Timestamp now,
                     int iterations = kDefaultPbkdf2Iterations);
    std::optional<AdminUser> findByName(std::string_view name);
    std::optional<PasswordHash> passwordHash(std::string_view name);
    void setPassword(std::int64_t userId, std::string_view password, Timestamp now,
                     int iterations = kDefaultPbkdf2Iterations);

private:
    Database& db_;
};

class AdminSessions {
public:
    explicit AdminSessions(Database& db) noexcept : db_(db) {}

    AdminSession create(AdminSession session);
    /// The session with this token hash, expired or not (the caller checks expiresAt).
    std::optional<AdminSession> findByTokenHash(std::string_view tokenHash);
    /// Moves lastSeenAt and expiresAt forward.
    void touch(std::int64_t id, Timestamp lastSeenAt, Timestamp expiresAt);
    void remove(std::int64_t id);
    /// Deletes every session of a user (after a password change). Returns how many.
    int removeForUser(std::int64_t userId);
    /// Deletes sessions that expired before `now`. Returns how many.
    int purgeExpired(Timestamp now);

private:
    Database& db_;
};

class LoginThrottle {
public:
    explicit LoginThrottle(Database& db) noexcept : db_(db) {}

    /// The counters of a key (zeros when it never failed).
    LoginFailures get(std::string_view key);
    void save(const LoginFailures& failures);
    void clear(std::string_view key);
    /// Forgets the counters of keys that last failed before `before` and are not blocked now. Returns how many.
    int purge(Timestamp before, Timestamp now);

private:
    Database& db_;
};

}  // namespace settlebridge::store
