#include "soap/qbwc_logic.hpp"

#include <algorithm>
#include <ctime>
#include <exception>

#include "daemon/common/text.hpp"
#include "qbxml/status.hpp"

namespace settlebridge::soap {

namespace {

constexpr std::size_t kMaxTrackedUsers = 10'000;
constexpr std::size_t kMaxTicketErrors = 1'000;

/// "2.1.0.30" → {2, 1, 0, 30}; nullopt when it is not dotted numbers.
std::optional<std::vector<int>> parseDotted(std::string_view text) {
    std::vector<int> parts;
    int value = 0;
    bool digit = false;
    for (char c : text) {
        if (c >= '0' && c <= '9') {
            if (value > 100'000) return std::nullopt;
            value = value * 10 + (c - '0');
            digit = true;
        } else if (c == '.' && digit) {
            parts.push_back(value);
            value = 0;
            digit = false;
        } else {
            return std::nullopt;
        }
    }
    if (!digit) return std::nullopt;
    parts.push_back(value);
    return parts;
}

std::optional<store::WcSession> findSession(store::Tx& tx, const std::string& ticket) {
    if (ticket.size() > QbwcLogic::kMaxTicketBytes) return std::nullopt;  // never a real ticket
    return tx.sessions().findByTicket(ticket);
}

bool versionBelow(const std::vector<int>& a, const std::vector<int>& b) {
    const std::size_t n = std::max(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
        const int x = i < a.size() ? a[i] : 0;
        const int y = i < b.size() ? b[i] : 0;
        if (x != y) return x < y;
    }
    return false;
}

}  // namespace

namespace {

common::SignInGuard::Options guardOptions(const QbwcOptions& o) {
    common::SignInGuard::Options g;
    g.freePairFailures = o.failuresBeforeThrottle;
    g.freeAddressFailures = o.failuresPerAddress;
    g.freeNameFailures = o.failuresPerName;
    g.nameInterval = o.nameInterval;
    g.lockBase = o.throttleBase;
    g.lockMax = o.throttleMax;
    g.maxEntries = kMaxTrackedUsers;
    return g;
}

// A user name as it goes into the event log: at most 64 characters, never the megabytes an attacker may send.
std::string loggedName(const std::string& user) {
    constexpr std::size_t kShown = 64;
    if (user.size() <= kShown) return user;
    std::size_t cut = kShown;
    while (cut > 0 && (static_cast<unsigned char>(user[cut]) & 0xC0U) == 0x80U) --cut;  // not inside a UTF-8 character
    return user.substr(0, cut) + "\u2026 (" + std::to_string(user.size()) + " bytes)";
}

}  // namespace

QbwcLogic::QbwcLogic(store::Store& store, QbwcOptions options)
    : store_(store),
      options_(std::move(options)),
      planner_(options_.planner),
      guard_(guardOptions(options_)),
      verified_(kMaxTrackedUsers),
      ticketErrors_(kMaxTicketErrors) {
    processKey_ = store::randomBytes(32);
    unknownUser_.salt = store::randomBytes(16);
    unknownUser_.hash = store::randomBytes(32);
    unknownUser_.iterations = std::max(1, options_.unknownUserIterations);
}

store::Timestamp QbwcLogic::now() const {
    if (options_.clock) return options_.clock();
    return static_cast<store::Timestamp>(std::time(nullptr));
}

// ---------------------------------------------------------------------------------------------------------------

std::string QbwcLogic::serverVersion() { return options_.serverVersion; }

std::string QbwcLogic::clientVersion(const std::string& strVersion) {
    const auto version = parseDotted(strVersion);
    if (!version) return "";  // unknown format: let it through rather than lock anyone out
    const auto minimum = parseDotted(options_.minClientVersion);
    const auto recommended = parseDotted(options_.recommendedClientVersion);
    if (minimum && versionBelow(*version, *minimum)) {
        return "E:This QuickBooks Web Connector (" + strVersion + ") is too old for Settlebridge, which needs version " +
               options_.minClientVersion + " or later. Install the current Web Connector from Intuit, then add the "
               ".qwc file again.";
    }
    if (recommended && versionBelow(*version, *recommended)) {
        return "W:This QuickBooks Web Connector (" + strVersion + ") is older than " +
               options_.recommendedClientVersion +
               ". Settlebridge works with it, but installing the current Web Connector from Intuit is recommended.";
    }
    return "";
}

// ---------------------------------------------------------------------------------------------------------------
// authenticate

void QbwcLogic::recordSuccess(const std::string& cacheKey, store::Timestamp now) {
    if (options_.verifiedPasswordCache.count() <= 0) return;
    std::lock_guard lock(mutex_);
    verified_.touch(cacheKey) = now + options_.verifiedPasswordCache.count();
}

bool QbwcLogic::cachedSuccess(const std::string& cacheKey, store::Timestamp now) {
    std::lock_guard lock(mutex_);
    store::Timestamp* until = verified_.peek(cacheKey);
    if (until == nullptr) return false;
    if (*until <= now) {
        verified_.erase(cacheKey);
        return false;
    }
    return true;
}

std::vector<std::string> QbwcLogic::authenticate(const std::string& user, const std::string& password) {
    return authenticateFrom(user, password, std::string());
}

std::vector<std::string> QbwcLogic::authenticateFrom(const std::string& user, const std::string& password,
                                                     const std::string& clientAddress) {
    const store::Timestamp t = now();
    const std::vector<std::string> nvu{"", "nvu"};
    try {
        if (user.empty() || user.size() > kMaxUserNameBytes || password.size() > kMaxUserNameBytes) {
            if (!user.empty()) {
                store_.write([&](store::Tx& tx) {
                    tx.events().add(t, std::nullopt, store::EventLevel::Warning,
                                    "Web Connector sign-in refused for user \"" + loggedName(user) +
                                        "\" (user name or password longer than any real one).");
                });
            }
            return nvu;
        }
        const std::string userKey = common::asciiLower(user);

        // A locked-out address is refused before anything else (a flood of refused tries costs no database read),
        // also with a remembered password (or it could guess at full speed while the owner's sign-in is remembered).
        // A refusal leaves the password unchecked, so it is "busy" with the seconds to wait, never "nvu": the Web
        // Connector stops on "nvu" and postpones on "busy" (docs/SECURITY.md, "Password checks").
        if (const auto refused = guard_.refusedFor(userKey, clientAddress, t); refused.seconds > 0) {
            return {"", "busy", std::to_string(refused.seconds)};
        }
        const auto stored = store_.read([&](store::Tx& tx) { return tx.companies().passwordHash(user); });
        // The cache key covers the stored hash, so a password change ends every cached sign-in.
        const std::string cacheKey =
            store::hmacSha256(processKey_, userKey + '\0' + password + '\0' + (stored ? stored->hash : std::string()));
        bool ok = stored.has_value() && cachedSuccess(cacheKey, t);
        if (ok) guard_.succeeded(userKey, clientAddress);
        if (!ok) {
            // The try counts before the hash; at most a few hashes run at once (common::PasswordGate).
            common::SignInGuard::Attempt attempt = guard_.begin(userKey, clientAddress, t);
            if (attempt.verdict != common::SignInGuard::Verdict::Go) {
                return {"", "busy", std::to_string(std::max<std::int64_t>(1, attempt.retryAfter))};
            }
            // Unknown users go through the same PBKDF2 work and constant-time compare as known ones.
            bool match = false;
            attempt.check([&] { match = store::verifyPassword(stored ? *stored : unknownUser_, password); });
            ok = match && stored.has_value();
            guard_.finish(attempt, ok, t);
        }
        if (!ok) {
            store_.write([&](store::Tx& tx) {
                tx.events().add(t, std::nullopt, store::EventLevel::Warning,
                                "Web Connector sign-in refused for user \"" + loggedName(user) + "\"" +
                                    (clientAddress.empty() ? std::string() : " from " + clientAddress) +
                                    " (unknown user or wrong password).");
            });
            return nvu;
        }
        recordSuccess(cacheKey, t);

        return store_.write([&](store::Tx& tx) -> std::vector<std::string> {
            auto company = tx.companies().findByName(user);
            if (!company) return nvu;  // deleted meanwhile
            tx.sessions().expireIdle(t);
            tx.sessions().purge(t - 30 * 24 * 3600);
            if (auto other = tx.sessions().openSession(company->id, t)) {
                const auto wait = std::clamp<store::Timestamp>(other->expiresAt - t, 1, 600);
                tx.events().add(t, company->id, store::EventLevel::Info,
                                "Web Connector sign-in answered \"busy\": another session for this company is open.");
                const std::string ticket = store::uuidV4();
                rememberTicketError(ticket, "Settlebridge is still busy with another Web Connector session for this "
                                            "company; the update was postponed.");
                return {ticket, "busy", std::to_string(wait)};
            }
            const posting::PendingWork work = planner_.pendingWork(tx, company->id, t);
            if (work.documents == 0) {
                const store::Timestamp wait =
                    work.nextAt ? std::max<store::Timestamp>(1, *work.nextAt - t)
                                : static_cast<store::Timestamp>(company->runEveryMinutes) * 60;
                return {store::uuidV4(), "none", std::to_string(wait)};
            }
            store::WcSession session;
            session.ticket = store::uuidV4();
            session.companyId = company->id;
            session.state = store::SessionState::Open;
            session.createdAt = t;
            session.lastSeenAt = t;
            session.expiresAt = t + options_.ticketIdle.count();
            session.initialWork = work.documents;
            if (tx.sessions().takeRestartNotice(company->id)) session.notice = kRestartNotice;
            session = tx.sessions().create(session);
            tx.events().add(t, company->id, store::EventLevel::Info,
                            "Web Connector session started: " + std::to_string(work.documents) + " document(s) to handle.");
            return {session.ticket, company->companyFile};
        });
    } catch (const std::exception& e) {
        // The Web Connector shows QBWC1012 for a fault here; "none" keeps it quiet until the next run instead.
        try {
            store_.write([&](store::Tx& tx) {
                tx.events().add(t, std::nullopt, store::EventLevel::Error,
                                std::string("Web Connector sign-in failed: ") + e.what());
            });
        } catch (...) {
        }
        return {"", "none"};
    }
}

int QbwcLogic::endSessionsLeftOpen() {
    const store::Timestamp t = now();
    return store_.write([&](store::Tx& tx) {
        int ended = 0;
        for (auto session : tx.sessions().listOpen()) {
            planner_.interrupt(tx, session, "Settlebridge stopped during the session", false, t);
            session.state = store::SessionState::Closed;
            session.closedAt = t;
            session.lastError = "Settlebridge stopped during this session and was started again; run the Web Connector "
                                "again: nothing is lost (anything left unanswered is checked in QuickBooks first).";
            session.endedByRestart = 1;
            tx.sessions().update(session);
            tx.events().add(t, session.companyId, store::EventLevel::Warning,
                            "A Web Connector session left open when Settlebridge stopped was ended at its start; the "
                            "next session carries on (anything in flight is checked in QuickBooks first).");
            ++ended;
        }
        return ended;
    });
}

// ---------------------------------------------------------------------------------------------------------------
// tickets

void QbwcLogic::rememberTicketError(const std::string& ticket, const std::string& message) {
    if (ticket.size() > kMaxTicketBytes) return;  // never a real ticket: nothing to remember
    const std::string key = store::sha256Hex(ticket);
    std::lock_guard lock(mutex_);
    ticketErrors_.touch(key) = message;
}

std::string QbwcLogic::ticketError(const std::string& ticket) {
    if (ticket.size() > kMaxTicketBytes) return {};
    const std::string key = store::sha256Hex(ticket);
    std::lock_guard lock(mutex_);
    const std::string* message = ticketErrors_.peek(key);
    return message == nullptr ? std::string() : *message;
}

std::optional<store::WcSession> QbwcLogic::openSession(store::Tx& tx, const std::string& ticket, store::Timestamp t) {
    auto session = findSession(tx, ticket);
    if (!session) {
        rememberTicketError(ticket, "Settlebridge does not know this session (ticket \"" + ticket +
                                        "\"). Run the Web Connector again to start a new one.");
        return std::nullopt;
    }
    if (session->state == store::SessionState::Open && session->expiresAt <= t) {
        const auto minutes = options_.ticketIdle.count() / 60;
        session->state = store::SessionState::Expired;
        session->closedAt = t;
        session->lastError = "This session expired after " + std::to_string(minutes) +
                             " minutes without a call from the Web Connector. Run the Web Connector again; nothing is "
                             "lost (anything left unanswered is checked in QuickBooks first).";
        planner_.interrupt(tx, *session, "the session expired", false, t);
        tx.sessions().update(*session);
        tx.events().add(t, session->companyId, store::EventLevel::Warning, session->lastError);
        return std::nullopt;
    }
    if (session->state != store::SessionState::Open) {
        if (session->lastError.empty()) {
            session->lastError = "This session is already closed. Run the Web Connector again to start a new one.";
            tx.sessions().update(*session);
        }
        return std::nullopt;
    }
    session->lastSeenAt = t;
    session->expiresAt = t + options_.ticketIdle.count();
    return session;
}

// ---------------------------------------------------------------------------------------------------------------
// the exchange

std::string QbwcLogic::sendRequestXML(const SendRequestInput& in) {
    const store::Timestamp t = now();
    try {
        return store_.write([&](store::Tx& tx) -> std::string {
            auto session = openSession(tx, in.ticket, t);
            if (!session) return "";
            if (!session->refused && session->qbxmlVersion.empty()) {
                posting::SessionStartInput start{in.hcpResponse, in.companyFileName, in.qbXMLMajorVers,
                                                 in.qbXMLMinorVers, in.qbXMLCountry};
                if (!planner_.start(tx, *session, start, t).accepted) return "";
            }
            if (session->refused) {
                tx.sessions().update(*session);
                return "";
            }
            session->lastError.clear();
            auto request = planner_.next(tx, *session, t);
            if (request) {
                tx.sessions().update(*session);
                return request->qbxml;
            }
            bool waiting = false;
            planner_.progress(tx, *session, t, &waiting);
            session->lastError = waiting ? "NoOp" : "";
            tx.sessions().update(*session);
            return "";
        });
    } catch (const std::exception& e) {
        const std::string message = std::string("Settlebridge hit an internal error preparing the next request: ") +
                                    e.what() + ". Nothing is lost; run the Web Connector again.";
        rememberTicketError(in.ticket, message);
        try {
            store_.write([&](store::Tx& tx) { tx.events().add(t, std::nullopt, store::EventLevel::Error, message); });
        } catch (...) {
        }
        return "";
    }
}

int QbwcLogic::receiveResponseXML(const ReceiveResponseInput& in) {
    const store::Timestamp t = now();
    try {
        return store_.write([&](store::Tx& tx) -> int {
            auto session = openSession(tx, in.ticket, t);
            if (!session) return kErrorPercent;
            if (!in.hresult.empty()) {
                const std::string message = qbxml::explainHresult(in.hresult, in.message);
                const bool notProcessed = common::equalsIgnoreCaseAscii(in.hresult, "0x80040400");
                planner_.interrupt(tx, *session, message, notProcessed, t);
                session->lastError = message;
                session->responsesReceived += 1;
                tx.sessions().update(*session);
                tx.events().add(t, session->companyId, store::EventLevel::Error, message);
                return kErrorPercent;
            }
            const posting::ResponseOutcome outcome = planner_.apply(tx, *session, in.response, t);
            if (outcome.error) {
                session->lastError = outcome.message;
                tx.sessions().update(*session);
                return kErrorPercent;
            }
            session->lastError.clear();
            tx.sessions().update(*session);
            return planner_.progress(tx, *session, t);
        });
    } catch (const std::exception& e) {
        rememberTicketError(in.ticket, std::string("Settlebridge hit an internal error recording QuickBooks' answer: ") +
                                           e.what() + ". Nothing is lost: it is checked in QuickBooks next time.");
        return kErrorPercent;
    }
}

std::string QbwcLogic::connectionError(const std::string& ticket, const std::string& hresult,
                                       const std::string& message) {
    const store::Timestamp t = now();
    try {
        store_.write([&](store::Tx& tx) {
            auto session = findSession(tx, ticket);
            if (!session) return;
            const std::string text = qbxml::explainHresult(hresult, message);
            planner_.interrupt(tx, *session, text, false, t);
            session->lastError = text;
            if (session->state == store::SessionState::Open) {
                session->state = store::SessionState::Closed;
                session->closedAt = t;
            }
            tx.sessions().update(*session);
            tx.events().add(t, session->companyId, store::EventLevel::Error,
                            "The Web Connector could not connect to QuickBooks: " + text);
        });
    } catch (const std::exception&) {  // nothing to add: "done" ends the session either way
    }
    return "done";
}

std::string QbwcLogic::getLastError(const std::string& ticket) {
    const store::Timestamp t = now();
    try {
        const std::string remembered = ticketError(ticket);
        return store_.write([&](store::Tx& tx) -> std::string {
            auto session = findSession(tx, ticket);
            if (!session) {
                return remembered.empty() ? "Settlebridge does not know this session. Run the Web Connector again."
                                          : remembered;
            }
            if (session->state == store::SessionState::Open) {
                // Any call is activity: it keeps the ticket alive (or finds it expired).
                if (auto open = openSession(tx, ticket, t)) {
                    tx.sessions().update(*open);
                    session = open;
                } else {
                    session = findSession(tx, ticket);
                }
            }
            if (session->lastError == "NoOp") return session->lastError;
            if (!session->lastError.empty()) {
                return session->notice.empty() ? session->lastError : session->notice + " " + session->lastError;
            }
            if (!remembered.empty()) return remembered;
            return "Settlebridge: " + planner_.report(tx, *session).text();
        });
    } catch (const std::exception& e) {
        return std::string("Settlebridge hit an internal error: ") + e.what();
    }
}

std::string QbwcLogic::closeConnection(const std::string& ticket) {
    const store::Timestamp t = now();
    try {
        return store_.write([&](store::Tx& tx) -> std::string {
            auto session = findSession(tx, ticket);
            if (!session) {
                const std::string remembered = ticketError(ticket);
                return remembered.empty() ? "Settlebridge: nothing to post right now." : remembered;
            }
            if (session->pendingKind != store::PendingKind::None) {
                planner_.interrupt(tx, *session, "the Web Connector closed the session", false, t);
            }
            std::string text;
            if (session->refused) {
                text = session->lastError;
            } else {
                text = planner_.report(tx, *session).text();
                if (session->state == store::SessionState::Expired) text += " (The session had expired.)";
            }
            if (session->state == store::SessionState::Open) {
                session->state = store::SessionState::Closed;
                session->closedAt = t;
                session->lastSeenAt = t;
            }
            tx.sessions().update(*session);
            tx.events().add(t, session->companyId, store::EventLevel::Info, "Web Connector session ended: " + text);
            return "Settlebridge: " + text;
        });
    } catch (const std::exception& e) {
        return std::string("Settlebridge hit an internal error closing the session: ") + e.what();
    }
}

}  // namespace settlebridge::soap
