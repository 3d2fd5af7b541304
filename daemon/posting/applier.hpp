#pragma once
// Applying QuickBooks' answer to a session's pending request (Planner::apply).

#include <string>
#include <string_view>

#include "daemon/posting/decode_cache.hpp"
#include "daemon/posting/planner.hpp"
#include "daemon/posting/planner_support.hpp"
#include "daemon/store/store.hpp"
#include "qbxml/response.hpp"

namespace settlebridge::posting::detail {

class Applier {
public:
    Applier(const PlannerOptions& options, DecodeCache& cache, store::Tx& tx, domain::WcSession& session, Timestamp now)
        : options_(options), cache_(cache), tx_(tx), session_(session), now_(now) {
        auto company = tx_.companies().find(session_.companyId);
        if (!company) throw store::StoreError("the session's company no longer exists");
        company_ = *company;
    }

    ResponseOutcome apply(std::string_view xml);

private:
    void setMark(std::string_view kind, const std::string& name, std::string_view status, const std::string& message) {
        tx_.sessions().setMark(session_.id, SessionMark{std::string(kind), name, std::string(status), message});
    }
    std::optional<SessionMark> mark(std::string_view kind, const std::string& name) {
        return tx_.sessions().mark(session_.id, kind, name);
    }
    void event(domain::EventLevel level, const std::string& message) {
        tx_.events().add(now_, company_.id, level, message);
    }
    ResponseOutcome applyPreferences(const qbxml::ResponseSet& set);
    ResponseOutcome applyListQuery(ListKind kind, const qbxml::Response& rs);
    ResponseOutcome applyListAdd(ListKind kind, const qbxml::Response& rs);
    ResponseOutcome applyNameQuery(const qbxml::ResponseSet& set, const std::string& requestId);
    ResponseOutcome applyLookup(const qbxml::Response& rs);
    ResponseOutcome applyAdd(const qbxml::Response& rs);
    ResponseOutcome applyTaxCodes(const qbxml::Response& rs);
    ResponseOutcome applyRates(const qbxml::Response& rs);
    void forgetReferences(const domain::Document& doc, std::string_view message);
    /// QuickBooks holds `txn` for `doc` (answer to an add, or found by a lookup): posted when its total is the
    /// one expected, otherwise failed loudly (QuickBooks added tax or a price level). The message parts are
    /// completed with the document's label and the two totals.
    ResponseOutcome settle(domain::Document doc, const qbxml::TxnRet& txn, const qbxml::Response& rs,
                           const std::string& mismatchLead, const std::string& mismatchAdvice,
                           const std::string& postedText);
    /// The names `doc`'s add used: recorded when it was sent, else (sent by an older version) derived again.
    struct UsedNames {
        std::string customer;
        std::string account;
        std::string transferTo;
    };
    UsedNames usedNames(const domain::Document& doc);

    bool idle_ = false;  // this answer moved nothing forward (counted towards PlannerOptions::maxIdleRequests)
    const PlannerOptions& options_;
    DecodeCache& cache_;
    store::Tx& tx_;
    domain::WcSession& session_;
    Timestamp now_;
    domain::Company company_;
};

}  // namespace settlebridge::posting::detail
