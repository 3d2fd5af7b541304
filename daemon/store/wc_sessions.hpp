#pragma once
// Web Connector sessions (one per authenticate that returned a ticket) and their per-session marks.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/store/records.hpp"

namespace settlebridge::store {

class Database;

class WcSessions {
public:
    explicit WcSessions(Database& db) noexcept : db_(db) {}

    /// Inserts a new open session; returns it with its id.
    WcSession create(WcSession session);
    std::optional<WcSession> findByTicket(std::string_view ticket);
    std::optional<WcSession> find(std::int64_t id);

    /// The open, unexpired session of a company other than `exceptTicket`, if any.
    std::optional<WcSession> openSession(std::int64_t companyId, Timestamp now, std::string_view exceptTicket = {});

    /// Writes every mutable field of `session` (matched by id).
    void update(const WcSession& session);

    /// Every session still open (expired or not), oldest first.
    std::vector<WcSession> listOpen();

    /// The newest `limit` sessions of a company, newest first.
    std::vector<WcSession> recent(std::int64_t companyId, int limit);

    /// True when a session of the company was ended by a daemon's start (left open by a process that stopped) and no
    /// later session was told yet; marks them told.
    bool takeRestartNotice(std::int64_t companyId);

    /// Marks open sessions whose idle expiry has passed as expired. Returns how many.
    int expireIdle(Timestamp now);

    /// Deletes closed/expired sessions older than `before` (their marks go with them). Returns how many.
    int purge(Timestamp before);

    void setMark(std::int64_t sessionId, const SessionMark& mark);
    std::optional<SessionMark> mark(std::int64_t sessionId, std::string_view kind, std::string_view name);
    std::vector<SessionMark> marks(std::int64_t sessionId, std::string_view kind = {});
    void clearMark(std::int64_t sessionId, std::string_view kind, std::string_view name);

private:
    Database& db_;
};

}  // namespace settlebridge::store
