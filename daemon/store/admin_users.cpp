#include "daemon/store/admin_users.hpp"

#include "daemon/store/password_columns.hpp"
#include "daemon/store/database.hpp"

namespace settlebridge::store {

int AdminUsers::count() {
    auto q = db_.query("SELECT count(*) FROM admin_users");
    q.next();
    return static_cast<int>(q.getInt(0));
}

AdminUser AdminUsers::create(std::string_view name, std::string_view password, Timestamp now, int iterations) {
    if (name.empty()) throw StoreError("an admin user needs a name");
    if (findByName(name)) throw StoreError("an admin user named \"" + std::string(name) + "\" already exists");
    AdminUser user;
    {
        auto insert = db_.query(
            "INSERT INTO admin_users (name, password_hash, password_salt, password_iterations, created_at, updated_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?5) RETURNING id");
        bindPasswordHash(insert.bind(1, name), 2, hashPassword(password, iterations)).bind(5, now);
        user.id = insert.insertedId();
    }
    user.name = std::string(name);
    user.createdAt = now;
    user.updatedAt = now;
    return user;
}

std::optional<AdminUser> AdminUsers::findByName(std::string_view name) {
    auto q = db_.query("SELECT id, name, created_at, updated_at FROM admin_users WHERE name = ?1");
    q.bind(1, name);
    if (!q.next()) return std::nullopt;
    AdminUser user;
    user.id = q.getInt(0);
    user.name = q.getText(1);
    user.createdAt = q.getInt(2);
    user.updatedAt = q.getInt(3);
    return user;
}

std::optional<PasswordHash> AdminUsers::passwordHash(std::string_view name) {
    return readPasswordHash(db_, "admin_users", name);
}

void AdminUsers::setPassword(std::int64_t userId, std::string_view password, Timestamp now, int iterations) {
    if (!writePasswordHash(db_, "admin_users", userId, hashPassword(password, iterations), now)) {
        throw StoreError("no admin user with id " + std::to_string(userId));
    }
}

namespace {

constexpr std::string_view kSessionSelect =
    "SELECT s.id, s.token_hash, s.user_id, u.name, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at "
    "FROM admin_sessions s JOIN admin_users u ON u.id = s.user_id ";

AdminSession readSession(const Query& q) {
    AdminSession s;
    s.id = q.getInt(0);
    s.tokenHash = q.getText(1);
    s.userId = q.getInt(2);
    s.userName = q.getText(3);
    s.csrfToken = q.getText(4);
    s.createdAt = q.getInt(5);
    s.lastSeenAt = q.getInt(6);
    s.expiresAt = q.getInt(7);
    return s;
}

}  // namespace

AdminSession AdminSessions::create(AdminSession session) {
    session.id = db_.query(
           "INSERT INTO admin_sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id")
        .bind(1, session.tokenHash)
        .bind(2, session.userId)
        .bind(3, session.csrfToken)
        .bind(4, session.createdAt)
        .bind(5, session.lastSeenAt)
        .bind(6, session.expiresAt)
        .insertedId();
    return session;
}

std::optional<AdminSession> AdminSessions::findByTokenHash(std::string_view tokenHash) {
    std::string sql(kSessionSelect);
    sql += "WHERE s.token_hash = ?1";
    auto q = db_.query(sql);
    q.bind(1, tokenHash);
    if (!q.next()) return std::nullopt;
    return readSession(q);
}

void AdminSessions::touch(std::int64_t id, Timestamp lastSeenAt, Timestamp expiresAt) {
    db_.query("UPDATE admin_sessions SET last_seen_at = ?2, expires_at = ?3 WHERE id = ?1")
        .bind(1, id)
        .bind(2, lastSeenAt)
        .bind(3, expiresAt)
        .run();
}

void AdminSessions::remove(std::int64_t id) { db_.query("DELETE FROM admin_sessions WHERE id = ?1").bind(1, id).run(); }

int AdminSessions::removeForUser(std::int64_t userId) {
    return db_.query("DELETE FROM admin_sessions WHERE user_id = ?1").bind(1, userId).run();
}

int AdminSessions::purgeExpired(Timestamp now) {
    return db_.query("DELETE FROM admin_sessions WHERE expires_at < ?1").bind(1, now).run();
}

LoginFailures LoginThrottle::get(std::string_view key) {
    auto q = db_.query("SELECT key, failures, blocked_until, last_at FROM admin_login_failures WHERE key = ?1");
    q.bind(1, key);
    LoginFailures f;
    f.key = std::string(key);
    if (!q.next()) return f;
    f.failures = static_cast<int>(q.getInt(1));
    f.blockedUntil = q.getInt(2);
    f.lastAt = q.getInt(3);
    return f;
}

void LoginThrottle::save(const LoginFailures& f) {
    db_.query(
           "INSERT INTO admin_login_failures (key, failures, blocked_until, last_at) VALUES (?1, ?2, ?3, ?4) "
           "ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, blocked_until = excluded.blocked_until, "
           "last_at = excluded.last_at")
        .bind(1, f.key)
        .bind(2, f.failures)
        .bind(3, f.blockedUntil)
        .bind(4, f.lastAt)
        .run();
}

void LoginThrottle::clear(std::string_view key) {
    db_.query("DELETE FROM admin_login_failures WHERE key = ?1").bind(1, key).run();
}

int LoginThrottle::purge(Timestamp before, Timestamp now) {
    return db_.query("DELETE FROM admin_login_failures WHERE last_at < ?1 AND blocked_until <= ?2")
        .bind(1, before)
        .bind(2, now)
        .run();
}

}  // namespace settlebridge::store
