#pragma once
// A real store in a temporary directory, a company, the queue and the planner, and helpers that play Web
// Connector sessions against a FakeQuickBooks.

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "daemon/posting/planner.hpp"
#include "daemon/posting/queue.hpp"
#include "daemon/store/crypto.hpp"
#include "daemon/store/store.hpp"
#include "tests/unit/posting/fake_quickbooks.hpp"
#include "tests/unit/store/sample_summary.hpp"
#include "tests/unit/store/temp_dir.hpp"

namespace settlebridge::testing {

inline constexpr store::Timestamp kT0 = 1'711'200'000;

/// HostQuery + PreferencesQuery answers as the Web Connector passes them on a session's first call: QuickBooks of the
/// edition of `country`, multicurrency off or on with `homeCurrency` (QuickBooks' name).
inline std::string hcpResponse(const std::string& maxVersion = "13.0", const std::string& closingDate = "",
                               bool multicurrency = false, const std::string& homeCurrency = "US Dollar",
                               const std::string& country = "US") {
    std::string versions;
    for (const char* v : {"1.0", "2.0", "5.0", "8.0", "10.0", "12.0", "13.0"}) {
        versions += std::string("<SupportedQBXMLVersion>") + v + "</SupportedQBXMLVersion>";
        if (maxVersion == v) break;
    }
    return "<?xml version=\"1.0\" ?><QBXML><QBXMLMsgsRs>"
           "<HostQueryRs requestID=\"0\" statusCode=\"0\" statusSeverity=\"Info\" statusMessage=\"Status OK\"><HostRet>"
           "<ProductName>QuickBooks Pro 2014</ProductName><MajorVersion>24</MajorVersion><MinorVersion>0</MinorVersion>"
           "<Country>" + country + "</Country>" +
           versions +
           "<IsAutomaticLogin>false</IsAutomaticLogin><QBFileMode>SingleUser</QBFileMode></HostRet></HostQueryRs>"
           "<PreferencesQueryRs requestID=\"2\" statusCode=\"0\" statusSeverity=\"Info\" statusMessage=\"Status OK\">"
           "<PreferencesRet><AccountingPreferences><IsUsingAccountNumbers>false</IsUsingAccountNumbers>"
           "<IsRequiringAccounts>true</IsRequiringAccounts><IsUsingClassTracking>false</IsUsingClassTracking>" +
           (closingDate.empty() ? std::string() : "<ClosingDate>" + closingDate + "</ClosingDate>") +
           "</AccountingPreferences><MultiCurrencyPreferences>" +
           (multicurrency ? "<IsMultiCurrencyOn>true</IsMultiCurrencyOn><HomeCurrencyRef><FullName>" + homeCurrency +
                                "</FullName></HomeCurrencyRef>"
                          : std::string("<IsMultiCurrencyOn>false</IsMultiCurrencyOn>")) +
           "</MultiCurrencyPreferences><SalesTaxPreferences><DefaultNonTaxableSalesTaxCodeRef><FullName>Non"
           "</FullName></DefaultNonTaxableSalesTaxCodeRef></SalesTaxPreferences></PreferencesRet>"
           "</PreferencesQueryRs></QBXMLMsgsRs></QBXML>";
}

class PostingHarness {
public:
    explicit PostingHarness(store::CompanyMode mode = store::CompanyMode::Live, posting::PlannerOptions options = {})
        : planner(options) {
        open();
        store::Company c;
        c.name = "acme";
        c.mode = mode;
        company = store->write([&](store::Tx& tx) { return tx.companies().create(c, "pw", kT0, 1000); });
    }

    /// Drops the Store (as if the process died) and opens the same file again.
    void reopen() {
        queue.reset();
        store.reset();
        open();
    }

    void updateCompany(const std::function<void(store::Company&)>& change) {
        store->write([&](store::Tx& tx) {
            auto c = *tx.companies().find(company.id);
            change(c);
            tx.companies().update(c, kT0);
            company = c;
        });
    }

    posting::ImportResult import(const settlement::Summary& summary, const std::string& raw = "") {
        const std::string bytes = raw.empty() ? "report of " + summary.header.settlementId : raw;
        return queue->importSummary("acme", bytes, summary.header.settlementId + ".tsv", summary, now);
    }

    /// A new session (as authenticate would open it), started with the Web Connector's first-call answers.
    store::WcSession startSession(const std::string& hcp = hcpResponse(), int major = 13) {
        return store->write([&](store::Tx& tx) {
            store::WcSession s;
            s.ticket = store::uuidV4();
            s.companyId = company.id;
            s.createdAt = s.lastSeenAt = now;
            s.expiresAt = now + 1800;
            s = tx.sessions().create(s);
            startResult = planner.start(tx, s, posting::SessionStartInput{hcp, "C:\\QB\\Acme.qbw", major, 0, "US"}, now);
            return s;
        });
    }

    std::optional<posting::Request> next(store::WcSession& s) {
        return store->write([&](store::Tx& tx) {
            auto fresh = *tx.sessions().find(s.id);
            auto r = planner.next(tx, fresh, now);
            s = fresh;
            return r;
        });
    }

    posting::ResponseOutcome apply(store::WcSession& s, const std::string& response) {
        return store->write([&](store::Tx& tx) {
            auto fresh = *tx.sessions().find(s.id);
            auto o = planner.apply(tx, fresh, response, now);
            s = fresh;
            return o;
        });
    }

    int progress(const store::WcSession& s) {
        return store->write([&](store::Tx& tx) { return planner.progress(tx, *tx.sessions().find(s.id), now); });
    }

    /// Plays requests until the planner has none left or `maxRequests` were sent. `drop` decides, per request
    /// (by its 0-based index among document adds), whether QuickBooks' answer is lost on the way back.
    /// Returns the requests sent.
    std::vector<posting::Request> run(store::WcSession& s, FakeQuickBooks& qb, int maxRequests = 200,
                                      const std::function<bool(const posting::Request&)>& loseAnswer = nullptr) {
        std::vector<posting::Request> sent;
        while (static_cast<int>(sent.size()) < maxRequests) {
            auto r = next(s);
            if (!r) break;
            sent.push_back(*r);
            const std::string answer = qb.answer(r->qbxml);
            if (loseAnswer && loseAnswer(*r)) break;  // the answer never comes back: the session dies here
            lastOutcome = apply(s, answer);
        }
        return sent;
    }

    std::vector<store::Document> documents(std::optional<store::DocState> state = std::nullopt) {
        return store->read([&](store::Tx& tx) { return tx.documents().list(company.id, state); });
    }

    store::Document document(const std::string& externalKey) {
        return store->read([&](store::Tx& tx) { return *tx.documents().findByExternalKey(company.id, externalKey); });
    }

    TempDir dir;
    std::unique_ptr<store::Store> store;
    std::unique_ptr<posting::Queue> queue;
    posting::Planner planner;
    store::Company company;
    store::Timestamp now = kT0;
    posting::SessionStartResult startResult;
    posting::ResponseOutcome lastOutcome;

private:
    void open() {
        store = std::make_unique<store::Store>(dir.file("settlebridge.db"));
        queue = std::make_unique<posting::Queue>(*store);
    }
};

/// The first element of a request's message set: "SalesReceiptAddRq".
inline std::string requestElement(const std::string& qbxml) {
    const auto at = qbxml.find("<QBXMLMsgsRq");
    const auto open = qbxml.find('<', qbxml.find('>', at) + 1);
    const auto end = qbxml.find_first_of(" >", open);
    return qbxml.substr(open + 1, end - open - 1);
}

inline bool isDocumentAdd(const posting::Request& r) { return r.kind == store::PendingKind::DocumentAdd; }
inline bool isLookup(const posting::Request& r) { return r.kind == store::PendingKind::DocumentLookup; }

}  // namespace settlebridge::testing
