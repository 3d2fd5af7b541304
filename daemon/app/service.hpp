#pragma once
// The service layer the CLI and the daemon share: every user-visible operation on a data directory.
// A command run beside a running daemon is safe: both go through the same SQLite store (WAL, transactions).

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/posting/queue.hpp"
#include "daemon/posting/tax_report.hpp"
#include "daemon/store/qb_edition.hpp"
#include "daemon/store/records.hpp"
#include "daemon/store/secrets.hpp"
#include "daemon/store/store.hpp"

namespace settlebridge::app {

/// The data directory of a command given no --data-dir: $SETTLEBRIDGE_DATA_DIR, else settlebridge.data_dir of the
/// system properties file (/etc/settlebridge/settlebridge.properties) when it exists, else /var/lib/settlebridge as
/// root, ~/.local/share/settlebridge otherwise, %ProgramData%\Settlebridge on Windows (settings.hpp,
/// defaultDataDirFrom; docs/DAEMON.md).
std::filesystem::path defaultDataDir();

/// A request the service refuses (unknown company, a value out of range): message for the user, exit code 2.
class ServiceError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct CompanySettings {
    std::optional<store::CompanyMode> mode;
    std::optional<std::string> timeZone;
    std::optional<std::string> customerName;
    std::optional<std::string> companyFile;
    std::optional<std::int64_t> autoLiveDays;  // checked by store::checkAutoLiveDays, like the admin page
    std::optional<std::string> homeCurrency;  // ISO code of the company file's currency ("" = unknown)
    std::optional<std::string> bankAccount;   // where the optional transfer moves each deposit ("" = none)
    std::optional<bool> postTransfer;         // post the transfers (needs a bank account)
    std::optional<bool> taxRegistered;        // registered for GST/HST or VAT (tax on fees is recoverable)
    std::optional<int> rateMaxAgeDays;        // QuickBooks' exchange rate may be this many days older than a settlement
};

struct ImportOptions {
    bool splitMonths = false;
    std::optional<std::string> mapFile;
};

class Service {
public:
    /// Opens (creating if needed) the data directory and the database: `settlebridge.db` in it, or the PostgreSQL
    /// database `database` names (settlebridge.database, --database; docs/SCALING.md).
    explicit Service(const std::filesystem::path& dataDir, const std::string& database = "");
    ~Service();

    store::Store& store() noexcept { return *store_; }
    const std::filesystem::path& dataDir() const noexcept { return dataDir_; }

    /// The secrets key as every process on this database reads it (SecretBox::openForDataDir: the key file or
    /// $SETTLEBRIDGE_SECRETS_KEY), checked against the database's key check value (store/key_check.hpp; stored
    /// when there is none). Throws store::SecretError.
    store::SecretBox secretBox();

    store::Company addCompany(const std::string& name, const std::string& password, const CompanySettings& settings);
    store::Company updateCompany(const std::string& name, const CompanySettings& settings,
                                 const std::optional<std::string>& newPassword);
    std::vector<store::Company> companies();
    store::Company company(const std::string& name);

    /// Parses and summarizes a report downloaded by hand, then stores and queues it. Bad input throws
    /// settlement::ParseError (nothing stored). Importing the same file twice changes nothing.
    posting::ImportResult importReport(const std::string& companyName, const std::filesystem::path& file,
                                       const ImportOptions& options);

    int approve(const std::string& companyName, const std::string& settlementId);
    /// Approve with the exchange rate the bookkeeper states ("" = QuickBooks' rate); see posting::Queue::approve.
    posting::Queue::ApproveResult approve(const std::string& companyName, const std::string& settlementId,
                                          const std::string& exchangeRate);
    /// What Settlebridge learned of the company file's edition, and the exchange rate age limit.
    store::EditionInfo edition(std::int64_t companyId);
    store::Document retry(std::int64_t documentId);
    std::vector<posting::QueueStatus> status(const std::optional<std::string>& companyName);
    /// Tax collected and tax on Amazon's fees of a company's settlements dated within [from, to] ("" = open).
    posting::TaxReport taxReport(const std::string& companyName, const std::string& from, const std::string& to);

    /// The .qwc file for a company (its OwnerID and FileID come from the store, stable per company).
    std::string qwc(const std::string& companyName, const std::string& url);

private:
    std::filesystem::path dataDir_;
    std::unique_ptr<store::Store> store_;
};

/// Seconds since the epoch, now.
store::Timestamp nowSeconds();

}  // namespace settlebridge::app
