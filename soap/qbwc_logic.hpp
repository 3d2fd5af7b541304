#pragma once
// The QuickBooks Web Connector's eight operations with their real semantics, over the store and the posting
// planner (soap/endpoint.cpp decodes SOAP and calls these). All session state lives in the store, so the daemon
// can be killed at any point and a new process carries on; the only in-memory state is the sign-in guard
// (daemon/common/sign_in_guard.hpp), a short cache of verified passwords and the last errors of unknown tickets
// (all bounded, least recently used dropped first; lost on restart, by design).
//
// Thread-safe: the Web Connector's calls arrive on the HTTP server's threads; store transactions are serialised
// and the in-memory state has its own mutex. PBKDF2 runs outside every lock.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "daemon/common/sign_in_guard.hpp"
#include "daemon/posting/planner.hpp"
#include "daemon/store/crypto.hpp"
#include "daemon/store/store.hpp"
#include "soap/qbwc_operations.hpp"

namespace settlebridge::soap {

struct QbwcOptions {
    std::string serverVersion = "Settlebridge 0.1.0";
    /// A ticket expires after this long without a call from the Web Connector.
    std::chrono::seconds ticketIdle{30 * 60};
    /// clientVersion: refuse ("E:") below, warn ("W:") below. Web Connector 2.0 (2009) is the first with the
    /// 8-operation contract; 2.1 and later ship with QuickBooks 2011+.
    std::string minClientVersion = "2.0";
    std::string recommendedClientVersion = "2.1";
    /// Sign-in throttle (daemon/common/sign_in_guard.hpp): after this many failures for one user name from one
    /// address, that address is refused for that name without a password check for a delay that doubles from
    /// `throttleBase` up to `throttleMax`. Other addresses are not affected, the address that last signed in as
    /// that name never is, and no thread sleeps. Per address (any name) after `failuresPerAddress`; per name
    /// across addresses, after `failuresPerName` the name's checks are limited to one per `nameInterval`.
    int failuresBeforeThrottle = 3;
    int failuresPerAddress = 10;
    int failuresPerName = 20;
    std::chrono::seconds nameInterval{5};
    std::chrono::seconds throttleBase{2};
    std::chrono::seconds throttleMax{5 * 60};
    /// A correct password is remembered (as an HMAC under a per-process key) this long, so repeated sign-ins
    /// skip PBKDF2. 0 = always run PBKDF2.
    std::chrono::seconds verifiedPasswordCache{10 * 60};
    /// PBKDF2 rounds spent on an unknown user name, so it takes as long as a known one.
    int unknownUserIterations = store::kDefaultPbkdf2Iterations;
    posting::PlannerOptions planner;
    /// Seconds since the epoch; tests replace it.
    std::function<store::Timestamp()> clock;
};

class QbwcLogic : public QbwcOperations {
public:
    explicit QbwcLogic(store::Store& store, QbwcOptions options = {});

    std::string serverVersion() override;
    std::string clientVersion(const std::string& strVersion) override;
    std::vector<std::string> authenticate(const std::string& user, const std::string& password) override;
    std::vector<std::string> authenticateFrom(const std::string& user, const std::string& password,
                                              const std::string& clientAddress) override;
    std::string sendRequestXML(const SendRequestInput& in) override;
    int receiveResponseXML(const ReceiveResponseInput& in) override;
    std::string connectionError(const std::string& ticket, const std::string& hresult,
                                const std::string& message) override;
    std::string getLastError(const std::string& ticket) override;
    std::string closeConnection(const std::string& ticket) override;

    /// At the daemon's start, once it holds the data directory's lock (no other process can be serving these
    /// sessions): ends every session a previous process left open, as if its answer were lost (a document in flight
    /// stays `sent`, to be looked up), so the next authenticate gets a ticket at once instead of "busy"; the next
    /// session of each company tells the Web Connector user (kRestartNotice). Returns how many were ended.
    int endSessionsLeftOpen();

    /// What the first session after such an end says with its summary (getLastError, closeConnection).
    static constexpr const char* kRestartNotice =
        "The previous sync was interrupted (Settlebridge stopped during it); resumed.";

    /// The number receiveResponseXML returns on an error (the SDK sample's value).
    static constexpr int kErrorPercent = -101;
    /// Longest user name and ticket taken (a company name is at most 159 characters in QuickBooks; tickets are
    /// UUIDs): longer ones are refused without a password check or a database lookup.
    static constexpr std::size_t kMaxUserNameBytes = 255;
    static constexpr std::size_t kMaxTicketBytes = 64;

private:
    store::Timestamp now() const;
    void recordSuccess(const std::string& cacheKey, store::Timestamp now);
    bool cachedSuccess(const std::string& cacheKey, store::Timestamp now);
    void rememberTicketError(const std::string& ticket, const std::string& message);
    std::string ticketError(const std::string& ticket);
    /// The open session of `ticket`, or nullopt with the reason recorded for getLastError.
    std::optional<store::WcSession> openSession(store::Tx& tx, const std::string& ticket, store::Timestamp now);

    store::Store& store_;
    QbwcOptions options_;
    posting::Planner planner_;
    std::string processKey_;           // HMAC key of the verified-password cache
    store::PasswordHash unknownUser_;  // what an unknown user name is checked against

    common::SignInGuard guard_;
    std::mutex mutex_;
    common::LruMap<store::Timestamp> verified_;
    common::LruMap<std::string> ticketErrors_;  // by the ticket's SHA-256
};

}  // namespace settlebridge::soap
