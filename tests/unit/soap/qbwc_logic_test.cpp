#include "soap/qbwc_logic.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "tests/support/test_paths.hpp"
#include "tests/unit/posting/fake_quickbooks.hpp"
#include "tests/unit/posting/posting_harness.hpp"
#include "tests/unit/store/sample_summary.hpp"
#include "tests/unit/store/temp_dir.hpp"

namespace settlebridge::soap {
namespace {

using settlebridge::testing::FakeQuickBooks;
using settlebridge::testing::sampleSummary;
using settlebridge::testing::TempDir;
using store::DocState;

constexpr store::Timestamp kStart = 1'711'200'000;
constexpr const char* kSettlement = "23874396421";

std::string unescapeXml(std::string text) {
    const std::pair<const char*, const char*> entities[] = {
        {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}};
    for (const auto& [from, to] : entities) {
        for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + 1)) {
            text.replace(at, std::string(from).size(), to);
        }
    }
    return text;
}

/// The strHCPResponse of a first sendRequestXML envelope (tests/data/qbwc/envelopes).
std::string hcpFromEnvelope(const std::string& file) {
    std::ifstream in(std::string(SETTLEBRIDGE_SOURCE_DIR) + "/tests/data/qbwc/envelopes/" + file, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    const std::string text = s.str();
    const auto open = text.find("<strHCPResponse>");
    const auto close = text.find("</strHCPResponse>");
    EXPECT_NE(open, std::string::npos) << file;
    return unescapeXml(text.substr(open + 16, close - open - 16));
}

class QbwcLogicTest : public ::testing::Test {
protected:
    QbwcLogicTest() { open(); }

    void open() {
        store = std::make_unique<store::Store>(dir.file("settlebridge.db"));
        QbwcOptions options;
        options.clock = [this] { return now; };
        options.unknownUserIterations = 1000;
        options.failuresBeforeThrottle = 3;
        options.throttleBase = std::chrono::seconds(2);
        logic = std::make_unique<QbwcLogic>(*store, options);
    }

    /// The process dies; a new one opens the same database.
    void restart() {
        logic.reset();
        store.reset();
        open();
    }

    store::Company addCompany(const std::string& name, const std::string& password, store::CompanyMode mode,
                              const std::string& companyFile = "") {
        return store->write([&](store::Tx& tx) {
            store::Company c;
            c.name = name;
            c.mode = mode;
            c.companyFile = companyFile;
            return tx.companies().create(c, password, now, 1000);
        });
    }

    void importSample(const std::string& company = "acme", common::Cents refunds = 2500) {
        posting::Queue queue(*store);
        queue.importSummary(company, "raw report", "report.tsv", sampleSummary(kSettlement, refunds), now);
    }

    SendRequestInput first(const std::string& ticket, const std::string& hcp = settlebridge::testing::hcpResponse(),
                           int major = 13) {
        return SendRequestInput{ticket, hcp, R"(C:\QB\Acme.qbw)", "US", major, 0};
    }

    /// Plays the Web Connector's loop until receiveResponseXML says 100 (or an error / "" ends it).
    /// Returns the last receiveResponseXML result (or 0 if sendRequestXML returned "").
    int exchange(const std::string& ticket, FakeQuickBooks& qb, const std::string& hcp) {
        bool firstCall = true;
        for (int guard = 0; guard < 200; ++guard) {
            const std::string request = logic->sendRequestXML(firstCall ? first(ticket, hcp) : first(ticket, "", 13));
            firstCall = false;
            if (request.empty()) return 0;
            const int percent = logic->receiveResponseXML(ReceiveResponseInput{ticket, qb.answer(request), "", ""});
            if (percent < 0 || percent >= 100) return percent;
        }
        ADD_FAILURE() << "the session did not end";
        return -1;
    }

    std::vector<store::Document> documents(const std::string& company = "acme") {
        return store->read([&](store::Tx& tx) {
            return tx.documents().list(tx.companies().findByName(company)->id);
        });
    }

    TempDir dir;
    store::Timestamp now = kStart;
    std::unique_ptr<store::Store> store;
    std::unique_ptr<QbwcLogic> logic;
};

TEST_F(QbwcLogicTest, ServerAndClientVersion) {
    EXPECT_EQ(logic->serverVersion(), "Settlebridge 0.1.0");
    EXPECT_EQ(logic->clientVersion("2.1.0.30"), "");
    EXPECT_EQ(logic->clientVersion("2.3.0.215"), "");
    EXPECT_EQ(logic->clientVersion("10.0"), "");
    const std::string warn = logic->clientVersion("2.0.0.116");
    EXPECT_EQ(warn.rfind("W:", 0), 0U) << warn;
    const std::string refuse = logic->clientVersion("1.5.0.1");
    EXPECT_EQ(refuse.rfind("E:", 0), 0U) << refuse;
    EXPECT_NE(refuse.find("2.0"), std::string::npos);
    EXPECT_EQ(logic->clientVersion(""), "");
    EXPECT_EQ(logic->clientVersion("not a version"), "");
}

TEST_F(QbwcLogicTest, UnknownUserAndWrongPasswordAreIndistinguishable) {
    addCompany("acme", "correct horse", store::CompanyMode::Live);
    const auto unknown = logic->authenticate("nobody", "correct horse");
    const auto wrong = logic->authenticate("acme", "wrong");
    EXPECT_EQ(unknown, (std::vector<std::string>{"", "nvu"}));
    EXPECT_EQ(wrong, unknown);
    EXPECT_EQ(logic->authenticate("", ""), unknown);
}

TEST_F(QbwcLogicTest, NoneWithAHintWhenNothingIsQueued) {
    addCompany("acme", "pw", store::CompanyMode::Live);
    const auto none = logic->authenticate("acme", "pw");
    ASSERT_EQ(none.size(), 3U);
    EXPECT_EQ(none[0].size(), 36U);
    EXPECT_EQ(none[1], "none");
    EXPECT_EQ(none[2], "3600") << "the company's run-every interval";
    EXPECT_EQ(logic->closeConnection(none[0]), "Settlebridge: nothing to post right now.");
    // Held documents (Testing mode) are not work either.
    addCompany("testco", "pw", store::CompanyMode::Testing);
    importSample("testco");
    EXPECT_EQ(logic->authenticate("testco", "pw")[1], "none");
}

TEST_F(QbwcLogicTest, TicketAndCompanyFileWhenThereIsWork) {
    addCompany("acme", "pw", store::CompanyMode::Live);
    addCompany("globex", "pw2", store::CompanyMode::Live, R"(C:\QB\Globex.qbw)");
    importSample("acme");
    importSample("globex");
    const auto a = logic->authenticate("acme", "pw");
    ASSERT_EQ(a.size(), 2U);
    EXPECT_EQ(a[0].size(), 36U);
    EXPECT_EQ(a[0][14], '4') << "a version 4 UUID";
    EXPECT_EQ(a[1], "") << "the company file open in QuickBooks";
    const auto g = logic->authenticate("globex", "pw2");
    EXPECT_EQ(g[1], R"(C:\QB\Globex.qbw)");
    EXPECT_NE(a[0], g[0]);
}

TEST_F(QbwcLogicTest, BusyWhileAnotherSessionIsOpen) {
    addCompany("acme", "pw", store::CompanyMode::Live);
    importSample();
    const auto first = logic->authenticate("acme", "pw");
    ASSERT_EQ(first[1], "");
    now += 60;
    const auto second = logic->authenticate("acme", "pw");
    ASSERT_EQ(second.size(), 3U);
    EXPECT_EQ(second[1], "busy");
    EXPECT_EQ(second[2], "600") << "postpone hint, capped";
    EXPECT_NE(logic->closeConnection(second[0]).find("busy"), std::string::npos);
    logic->closeConnection(first[0]);
    const auto third = logic->authenticate("acme", "pw");
    EXPECT_EQ(third[1], "");
    // An abandoned session stops blocking once its ticket expires.
    now += 31 * 60;
    const auto fourth = logic->authenticate("acme", "pw");
    EXPECT_EQ(fourth[1], "");
}

TEST_F(QbwcLogicTest, RepeatedFailuresAreThrottledPerNameAndAddress) {
    addCompany("acme", "pw", store::CompanyMode::Live);
    addCompany("globex", "pw2", store::CompanyMode::Live);
    const std::string guesser = "198.51.100.7";
    for (int i = 0; i < 3; ++i) EXPECT_EQ(logic->authenticateFrom("acme", "guess", guesser)[1], "nvu");
    // Throttled: even the right password waits, and the answer is "busy" with the seconds to wait, not "nvu" (the
    // password was not checked; the Web Connector stops on "nvu" and postpones on "busy").
    EXPECT_EQ(logic->authenticateFrom("acme", "pw", guesser), (std::vector<std::string>{"", "busy", "2"}));
    EXPECT_EQ(logic->authenticateFrom("globex", "pw2", guesser)[1], "none") << "another user is not affected";
    EXPECT_EQ(logic->authenticateFrom("acme", "pw", "192.0.2.1")[1], "none") << "another address is not affected";
    now += 2;  // the first delay is over
    EXPECT_EQ(logic->authenticateFrom("acme", "guess", guesser)[1], "nvu");  // fourth failure: 4 seconds
    // Attempts while throttled are refused unchecked, with the right password too.
    for (int i = 0; i < 10; ++i) {
        const auto answer = logic->authenticateFrom("acme", "guess", guesser);
        ASSERT_EQ(answer.size(), 3U);
        EXPECT_EQ(answer[1], "busy");
        EXPECT_EQ(answer[2], "4");
    }
    now += 3;
    EXPECT_EQ(logic->authenticateFrom("acme", "pw", guesser), (std::vector<std::string>{"", "busy", "1"}));
    now += 1;
    EXPECT_EQ(logic->authenticateFrom("acme", "pw", guesser)[1], "none");
    // No refusal wrote to the event log (only checked passwords do).
    const auto events = store->read([&](store::Tx& tx) { return tx.events().recent(std::nullopt, 1000); });
    EXPECT_EQ(std::count_if(events.begin(), events.end(),
                            [](const store::Event& e) { return e.message.find("refused") != std::string::npos; }),
              4);
}

TEST_F(QbwcLogicTest, NobodyCanLockTheOwnerOut) {
    addCompany("acme", "pw", store::CompanyMode::Live);
    const std::string owner = "192.0.2.1";
    EXPECT_EQ(logic->authenticateFrom("acme", "pw", owner)[1], "none");
    const auto checked = [&] {  // failed password checks, as logged
        const auto events = store->read([&](store::Tx& tx) { return tx.events().recent(std::nullopt, 1000); });
        return std::count_if(events.begin(), events.end(), [](const store::Event& e) {
            return e.message.find("sign-in refused") != std::string::npos;
        });
    };
    // Guesses for the company's name (it is printed in the .qwc file) from many addresses rate-limit the name:
    // after 20 failures, one check per 5 s for addresses that failed and one per second for those that have not;
    // the rest are refused unchecked ("busy", never "nvu").
    int nvu = 0;
    int busy = 0;
    for (int i = 0; i < 40; ++i) {
        const auto answer = logic->authenticateFrom("ACME", "guess", "198.51.100." + std::to_string(i));
        (answer[1] == "nvu" ? nvu : busy) += 1;
        if (answer[1] != "nvu") {
            EXPECT_EQ(answer, (std::vector<std::string>{"", "busy", "1"}));
        }
    }
    EXPECT_EQ(nvu, 21) << "20, then the clean lane's one check this second";
    EXPECT_EQ(busy, 19);
    EXPECT_EQ(checked(), 21);
    // The address that signed in last is never refused.
    EXPECT_EQ(logic->authenticateFrom("acme", "pw", owner)[1], "none");
    for (int i = 0; i < 5; ++i) EXPECT_EQ(logic->authenticateFrom("acme", "typo", owner)[1], "nvu");
    EXPECT_EQ(logic->authenticateFrom("acme", "pw", owner)[1], "none");
}

TEST_F(QbwcLogicTest, AFirstSignInDuringAManyAddressFloodGetsThrough) {
    addCompany("acme", "pw", store::CompanyMode::Live);
    // Nobody has signed in as "acme" yet (a fresh install: no owner). 60 addresses guess, each again at once.
    const auto flood = [&] {
        for (int i = 0; i < 60; ++i) {
            EXPECT_NE(logic->authenticateFrom("acme", "guess", "198.51.100." + std::to_string(i))[1], "none");
        }
    };
    for (int round = 0; round < 3; ++round) flood();
    const std::string webConnector = "192.0.2.1";
    // The clean lane's check of this second went to a guesser: the Web Connector is told to come back in a second,
    // "busy", never "nvu" (its password was not checked).
    EXPECT_EQ(logic->authenticateFrom("acme", "pw", webConnector), (std::vector<std::string>{"", "busy", "1"}));
    flood();
    now += 1;
    // The guessers failed or asked again before their time: the slow lane. The Web Connector waited as told.
    flood();
    EXPECT_EQ(logic->authenticateFrom("acme", "pw", webConnector)[1], "none") << "signed in within a second";
    // A wrong password is still "nvu" once checked (a new address, the next second).
    now += 1;
    EXPECT_EQ(logic->authenticateFrom("acme", "typo", "192.0.2.2")[1], "nvu");
}

TEST_F(QbwcLogicTest, OversizedNamesAndTicketsAreRefusedWithoutBeingKept) {
    addCompany("acme", "pw", store::CompanyMode::Live);
    const std::string huge(1U << 20, 'u');
    EXPECT_EQ(logic->authenticate(huge, "pw")[1], "nvu");
    const auto logged = store->read([&](store::Tx& tx) { return tx.events().recent(std::nullopt, 100); });
    std::size_t longest = 0;
    for (const auto& e : logged) longest = std::max(longest, e.message.size());
    EXPECT_LT(longest, 400U) << "the event log keeps at most the start of a user name";
    const std::string ticket(1U << 20, 't');
    EXPECT_EQ(logic->sendRequestXML(first(ticket)), "");
    EXPECT_LT(logic->getLastError(ticket).size(), 200U) << "an oversized ticket is neither remembered nor echoed";
}

TEST_F(QbwcLogicTest, UnknownAndExpiredTicketsAreRefused) {
    addCompany("acme", "pw", store::CompanyMode::Live);
    importSample();
    EXPECT_EQ(logic->sendRequestXML(first("no-such-ticket")), "");
    EXPECT_NE(logic->getLastError("no-such-ticket").find("does not know this session"), std::string::npos);
    EXPECT_EQ(logic->receiveResponseXML({"no-such-ticket", "<QBXML/>", "", ""}), QbwcLogic::kErrorPercent);

    const std::string ticket = logic->authenticate("acme", "pw")[0];
    now += 30 * 60 + 1;
    EXPECT_EQ(logic->sendRequestXML(first(ticket)), "");
    EXPECT_NE(logic->getLastError(ticket).find("expired"), std::string::npos) << logic->getLastError(ticket);
    EXPECT_EQ(logic->receiveResponseXML({ticket, "<QBXML/>", "", ""}), QbwcLogic::kErrorPercent);
    // A session that keeps talking does not expire.
    const std::string fresh = logic->authenticate("acme", "pw")[0];
    for (int i = 0; i < 3; ++i) {
        now += 20 * 60;
        EXPECT_NE(logic->getLastError(fresh).find("Settlebridge"), std::string::npos);
    }
    EXPECT_FALSE(logic->sendRequestXML(first(fresh)).empty());
}

TEST_F(QbwcLogicTest, FullSessionWithTheRealHostAnswer) {
    addCompany("acme", "pw", store::CompanyMode::Live);
    importSample();
    FakeQuickBooks qb;
    const std::string ticket = logic->authenticate("acme", "pw")[0];
    const int last = exchange(ticket, qb, hcpFromEnvelope("sendRequestXML.first-with-HCP.qb2014-v13.request.xml"));
    EXPECT_EQ(last, 100);
    EXPECT_EQ(logic->closeConnection(ticket),
              "Settlebridge: Posted 3 documents (1 sales receipt, 1 credit memo, 1 refund payment).");
    for (const auto& d : documents()) EXPECT_EQ(d.state, DocState::Posted);
    EXPECT_EQ(qb.ledger.size(), 3U);
    const auto company = store->read([](store::Tx& tx) { return *tx.companies().findByName("acme"); });
    EXPECT_EQ(company.qbxmlVersion, "13.0");
    EXPECT_EQ(company.qbProduct, "QuickBooks Pro 2014");
    EXPECT_EQ(company.salesTax, std::optional<bool>(false)) << "that file's preferences have no sales tax section";
    // The closed session's ticket is not accepted any more.
    EXPECT_EQ(logic->sendRequestXML(first(ticket, "", 13)), "");
}

TEST_F(QbwcLogicTest, TheEditionTheWebConnectorReportsGivesTheCurrencyOfAFileWithoutMulticurrency) {
    addCompany("acme", "pw", store::CompanyMode::Live);
    importSample();  // a USD settlement
    FakeQuickBooks qb;
    const std::string ticket = logic->authenticate("acme", "pw")[0];
    // No host/company/preferences answer: the country comes from qbXMLCountry (the Canadian edition: CAD books).
    const std::string prefs = logic->sendRequestXML(SendRequestInput{ticket, "", R"(C:\QB\Acme.qbw)", "CA", 13, 0});
    ASSERT_NE(prefs.find("PreferencesQueryRq"), std::string::npos) << prefs;
    EXPECT_EQ(logic->receiveResponseXML(ReceiveResponseInput{ticket, qb.answer(prefs), "", ""}), 100);
    EXPECT_EQ(logic->sendRequestXML(first(ticket, "", 13)), "") << "nothing to send: the settlement is held";
    const std::string summary = logic->closeConnection(ticket);
    EXPECT_NE(summary.find("held"), std::string::npos) << summary;
    EXPECT_NE(summary.find("keeps its books in CAD"), std::string::npos) << summary;
    EXPECT_TRUE(qb.ledger.empty());
    for (const auto& d : documents()) {
        if (d.kind == store::DocKind::RefundPayment) continue;
        EXPECT_EQ(d.state, DocState::Held) << d.externalKey;
        EXPECT_EQ(d.holdReason, "currency");
    }
    const auto company = store->read([](store::Tx& tx) { return *tx.companies().findByName("acme"); });
    EXPECT_EQ(company.homeCurrency, "CAD");
    EXPECT_EQ(company.multiCurrency, std::optional<bool>(false));
}

TEST_F(QbwcLogicTest, QuickBooksOlderThan2014GetsAClearMessage) {
    addCompany("acme", "pw", store::CompanyMode::Live);
    importSample();
    const std::string ticket = logic->authenticate("acme", "pw")[0];
    EXPECT_EQ(logic->sendRequestXML(first(ticket, hcpFromEnvelope("sendRequestXML.first-with-HCP.request.xml"), 5)), "");
    const std::string error = logic->getLastError(ticket);
    EXPECT_NE(error.find("13.0"), std::string::npos) << error;
    EXPECT_NE(logic->closeConnection(ticket).find("13.0"), std::string::npos);
    for (const auto& d : documents()) EXPECT_EQ(d.state, DocState::Queued) << "nothing was touched";
}

TEST_F(QbwcLogicTest, HresultIsRecordedAndTheDocumentLookedUpNextTime) {
    addCompany("acme", "pw", store::CompanyMode::Live);
    importSample("acme", 0);
    FakeQuickBooks qb;
    const std::string ticket = logic->authenticate("acme", "pw")[0];
    std::string request = logic->sendRequestXML(first(ticket));
    while (request.find("SalesReceiptAddRq") == std::string::npos) {
        ASSERT_GE(logic->receiveResponseXML({ticket, qb.answer(request), "", ""}), 0);
        request = logic->sendRequestXML(first(ticket, "", 13));
    }
    qb.answer(request);  // QuickBooks posted it, then the request processor failed on the way back
    EXPECT_EQ(logic->receiveResponseXML({ticket, "", "0x80040402", "Unexpected error. Check the qbsdklog.txt file."}),
              QbwcLogic::kErrorPercent);
    EXPECT_NE(logic->getLastError(ticket).find("0x80040402"), std::string::npos);
    logic->closeConnection(ticket);
    EXPECT_EQ(documents()[0].state, DocState::Sent);

    now += 3600;
    const std::string second = logic->authenticate("acme", "pw")[0];
    const std::string lookup = logic->sendRequestXML(first(second));
    EXPECT_NE(lookup.find("SalesReceiptQueryRq"), std::string::npos) << lookup;
    EXPECT_EQ(logic->receiveResponseXML({second, qb.answer(lookup), "", ""}), 100);
    EXPECT_EQ(documents()[0].state, DocState::Posted);
    EXPECT_EQ(qb.ledger.size(), 1U);
}

TEST_F(QbwcLogicTest, ParseErrorHresultFailsTheDocumentForCertain) {
    addCompany("acme", "pw", store::CompanyMode::Live);
    importSample("acme", 0);
    FakeQuickBooks qb;
    const std::string ticket = logic->authenticate("acme", "pw")[0];
    std::string request = logic->sendRequestXML(first(ticket));
    while (request.find("SalesReceiptAddRq") == std::string::npos) {
        logic->receiveResponseXML({ticket, qb.answer(request), "", ""});
        request = logic->sendRequestXML(first(ticket, "", 13));
    }
    EXPECT_EQ(logic->receiveResponseXML(
                  {ticket, "", "0x80040400", "QuickBooks found an error when parsing the provided XML text stream."}),
              QbwcLogic::kErrorPercent);
    EXPECT_EQ(documents()[0].state, DocState::Failed);
}

TEST_F(QbwcLogicTest, ConnectionErrorEndsTheSessionAndKeepsTheDocumentSafe) {
    addCompany("acme", "pw", store::CompanyMode::Live);
    importSample("acme", 0);
    FakeQuickBooks qb;
    const std::string ticket = logic->authenticate("acme", "pw")[0];
    std::string request = logic->sendRequestXML(first(ticket));
    while (request.find("SalesReceiptAddRq") == std::string::npos) {
        logic->receiveResponseXML({ticket, qb.answer(request), "", ""});
        request = logic->sendRequestXML(first(ticket, "", 13));
    }
    EXPECT_EQ(logic->connectionError(ticket, "0x80040408", "Could not start QuickBooks."), "done");
    EXPECT_NE(logic->getLastError(ticket).find("could not start QuickBooks"), std::string::npos)
        << logic->getLastError(ticket);
    EXPECT_EQ(documents()[0].state, DocState::Sent);
    EXPECT_EQ(logic->authenticate("acme", "pw")[1], "") << "the session is closed: not busy";
    EXPECT_EQ(logic->connectionError("unknown", "0x80040408", ""), "done");
}

TEST_F(QbwcLogicTest, LockedListGivesNoOpAndIsRetriedInTheSameSession) {
    addCompany("acme", "pw", store::CompanyMode::Live);
    importSample("acme", 0);
    FakeQuickBooks qb;
    qb.failNext["SalesReceiptAddRq"].push_back(
        {3180, "Error", "There was an error when saving a Sales Receipt. QuickBooks error message: This list has been "
                        "modified by another user."});
    const std::string ticket = logic->authenticate("acme", "pw")[0];
    std::string request = logic->sendRequestXML(first(ticket));
    int percent = 0;
    for (;;) {
        const bool receipt = request.find("SalesReceiptAddRq") != std::string::npos;
        percent = logic->receiveResponseXML({ticket, qb.answer(request), "", ""});
        if (receipt) break;
        request = logic->sendRequestXML(first(ticket, "", 13));
    }
    EXPECT_GT(percent, 0);
    EXPECT_LT(percent, 100);
    EXPECT_EQ(logic->sendRequestXML(first(ticket, "", 13)), "");
    EXPECT_EQ(logic->getLastError(ticket), "NoOp");
    now += 20;
    request = logic->sendRequestXML(first(ticket, "", 13));
    EXPECT_NE(request.find("SalesReceiptAddRq"), std::string::npos);
    EXPECT_EQ(logic->receiveResponseXML({ticket, qb.answer(request), "", ""}), 100);
    EXPECT_EQ(qb.ledger.size(), 1U);
}

TEST_F(QbwcLogicTest, TotalMismatchReturnsNegativeAndExplains) {
    addCompany("acme", "pw", store::CompanyMode::Live);
    importSample("acme", 0);
    FakeQuickBooks qb;
    qb.extraTax = 1000;
    const std::string ticket = logic->authenticate("acme", "pw")[0];
    EXPECT_EQ(exchange(ticket, qb, settlebridge::testing::hcpResponse()), QbwcLogic::kErrorPercent);
    EXPECT_NE(logic->getLastError(ticket).find("sales tax"), std::string::npos);
    const std::string summary = logic->closeConnection(ticket);
    EXPECT_NE(summary.find("1 failed"), std::string::npos) << summary;
    EXPECT_EQ(documents()[0].state, DocState::Failed);
}

TEST_F(QbwcLogicTest, ANewProcessCarriesOnTheSameSession) {
    addCompany("acme", "pw", store::CompanyMode::Live);
    importSample("acme", 0);
    FakeQuickBooks qb;
    const std::string ticket = logic->authenticate("acme", "pw")[0];
    std::string request = logic->sendRequestXML(first(ticket));
    while (request.find("SalesReceiptAddRq") == std::string::npos) {
        logic->receiveResponseXML({ticket, qb.answer(request), "", ""});
        request = logic->sendRequestXML(first(ticket, "", 13));
    }
    const std::string answer = qb.answer(request);
    restart();  // killed after the request left; the Web Connector delivers the answer to the new process
    EXPECT_EQ(logic->receiveResponseXML({ticket, answer, "", ""}), 100);
    EXPECT_EQ(documents()[0].state, DocState::Posted);
    EXPECT_EQ(logic->closeConnection(ticket), "Settlebridge: Posted 1 document (1 sales receipt).");
}

TEST_F(QbwcLogicTest, GetLastErrorAfterNothingToSend) {
    addCompany("acme", "pw", store::CompanyMode::Live);
    importSample("acme", 0);
    const std::string ticket = logic->authenticate("acme", "pw")[0];
    // The settlement is approved away under the session's feet: nothing left to send.
    store->write([](store::Tx& tx) {
        for (auto d : tx.documents().list(1)) {
            d.state = DocState::Held;
            d.holdReason = "review";
            tx.documents().save(d);
        }
    });
    EXPECT_EQ(logic->sendRequestXML(first(ticket)), "");
    EXPECT_EQ(logic->getLastError(ticket), "Settlebridge: Nothing was posted.");
}

}  // namespace
}  // namespace settlebridge::soap
