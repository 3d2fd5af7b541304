#pragma once
// The posting queue's operations for the CLI, the admin page and the daemon: import a settlement's summary,
// approve held settlements, retry failed documents, and report what is waiting. Each operation is one store
// transaction.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/settlement/model.hpp"
#include "daemon/domain/records.hpp"
#include "daemon/store/store.hpp"

namespace settlebridge::posting {

/// A request the queue refuses (unknown company, document, or a state that does not allow it).
class QueueError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct ImportResult {
    enum class Outcome {
        Imported,         // new settlement: stored, summarized, documents created
        AlreadyImported,  // the same report (same bytes) was imported before: nothing changed
        Replaced,         // a re-issued report replaced the earlier one, whose documents had not been sent yet
        Conflict,         // a re-issue of a settlement already (partly) sent or posted: kept for review, not queued
    };
    Outcome outcome = Outcome::Imported;
    std::int64_t settlementRow = 0;
    std::string settlementId;
    int documents = 0;
    int queued = 0;
    int held = 0;
    int failed = 0;
    std::string message;  // for people
};

std::string_view toString(ImportResult::Outcome outcome);

/// Documents per state for one company.
struct QueueStatus {
    std::string company;
    std::map<domain::DocState, int> counts;
    std::vector<domain::Document> attention;  // held and failed documents, with their reasons
};

class Queue {
public:
    explicit Queue(store::Store& store) noexcept : store_(store) {}

    /// Stores the raw report (kept so the summary can be rebuilt), its summary and its documents, all in one
    /// transaction. SKU lines get their item from the stored SKU → item table (new SKUs are added to it with
    /// collision-safe names). The same bytes again → AlreadyImported and no change at all. A different report
    /// for a settlement id already imported is a re-issue (Amazon corrects a settlement that did not balance):
    /// while none of the earlier report's documents was ever sent to QuickBooks, the new report replaces it
    /// (Replaced: the old documents are deleted, the old row kept with a note); once anything was sent, the new
    /// report is kept beside it for review with the difference in its note (Conflict), and nothing is queued.
    /// Throws QueueError for an unknown company.
    ImportResult importSummary(std::string_view companyName, std::string_view rawReport, std::string_view sourceName,
                               settlement::Summary summary, domain::Timestamp now);

    /// held → queued for every held document of the settlement. Returns how many moved.
    int approve(std::string_view companyName, std::string_view settlementId, domain::Timestamp now);

    /// The same, with the exchange rate the bookkeeper states for a foreign-currency settlement (docs/POSTING.md,
    /// "Exchange rates"): `exchangeRate` (home currency per unit, an exact decimal; "" = QuickBooks' rate, read at the
    /// next Web Connector run) is frozen for every document of the settlement. Throws QueueError when the rate is
    /// not a positive decimal, the settlement is in the home currency (or the company file has multicurrency off),
    /// or some of its documents already went to QuickBooks with another rate.
    struct Approval {
        std::string exchangeRate;
        std::string approvedBy;  ///< "the command line", an admin user's name
    };
    struct ApproveResult {
        int queued = 0;
        std::string rate;  ///< the frozen rate in words ("1 CAD = 0.7312 USD (set at approval ...)"), "" = none yet
    };
    ApproveResult approve(std::string_view companyName, std::string_view settlementId, const Approval& approval,
                          domain::Timestamp now);

    /// failed → queued for one document (verified in QuickBooks first if its add was ever sent).
    domain::Document retry(std::int64_t documentId, domain::Timestamp now);

    QueueStatus status(std::string_view companyName);
    std::vector<domain::Document> documents(std::string_view companyName,
                                           std::optional<domain::DocState> state = std::nullopt);

private:
    store::Store& store_;
};

}  // namespace settlebridge::posting
