#include "daemon/app/service.hpp"

#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <streambuf>

#include "soap/qwc.hpp"
#include "daemon/posting/account_check.hpp"
#include "daemon/settlement/mapping.hpp"
#include "qbxml/currency.hpp"
#include "qbxml/render.hpp"
#include "daemon/store/admin_company_options.hpp"
#include "daemon/store/company_settings.hpp"
#include "daemon/store/key_check.hpp"
#include "daemon/settlement/summarizer.hpp"
#include "daemon/common/text.hpp"
#include "daemon/app/data_directory.hpp"
#include "daemon/app/settings.hpp"

namespace settlebridge::app {

namespace fs = std::filesystem;

store::Timestamp nowSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

store::SecretBox Service::secretBox() {
    std::string source;
    store::SecretBox box = store::SecretBox::openForDataDir(dataDir_, &source);
    store_->write([&](store::Tx& tx) { return store::checkSecretsKey(tx.database(), box, source, nowSeconds()); });
    return box;
}

fs::path defaultDataDir() { return defaultDataDirFrom(systemConfigFile()); }

namespace {

/// The largest report file `import` reads (issue 16, finding 9): Amazon's settlement reports are a few MB, the
/// largest sellers' some tens; a file past this is refused before it is read, so a mistaken or hostile file (a
/// 2 GB sparse file took 4.3 GB of memory before its error) costs neither memory nor time. docs/SECURITY.md.
constexpr std::uintmax_t kMaxReportFileBytes = 256U * 1024U * 1024U;

/// Reads a report file of at most kMaxReportFileBytes whole (it is kept in the database), refusing a larger one
/// before reading it, or as soon as it grows past the limit (a pipe or a device has no size to check).
std::string readReportFile(const fs::path& file) {
    std::error_code error;
    const fs::file_status status = fs::status(file, error);
    if (error || !fs::exists(status)) throw ServiceError("cannot open " + file.string() + ": no such file");
    if (fs::is_directory(status)) throw ServiceError(file.string() + " is a folder, not a report file");
    const auto tooLarge = [&] {
        return ServiceError(file.string() + " is larger than " + std::to_string(kMaxReportFileBytes >> 20) +
                            " MB: not a settlement report (Amazon's are a few MB); nothing was imported");
    };
    if (fs::is_regular_file(status)) {
        const std::uintmax_t size = fs::file_size(file, error);
        if (!error && size > kMaxReportFileBytes) throw tooLarge();
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) throw ServiceError("cannot open " + file.string());
    std::string raw;
    char buffer[64 * 1024];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        const auto n = static_cast<std::size_t>(in.gcount());
        if (raw.size() + n > kMaxReportFileBytes) throw tooLarge();
        raw.append(buffer, n);
    }
    if (in.bad()) throw ServiceError("cannot read " + file.string());
    return raw;
}

/// An input stream over a string it does not copy (the report is summarized from the bytes that get stored).
class StringViewBuffer : public std::streambuf {
public:
    explicit StringViewBuffer(const std::string& text) {
        char* begin = const_cast<char*>(text.data());  // read only: the get area is never written through
        setg(begin, begin, begin + text.size());
    }
};

}  // namespace

Service::Service(const fs::path& dataDir, const std::string& database) : dataDir_(dataDir) {
    std::error_code error;
    createDataDirectory(dataDir_, error);  // private to the service and administrators (data_directory.hpp)
    if (error) throw ServiceError("cannot create the data directory " + dataDir_.string() + ": " + error.message());
    store_ = database.empty() ? std::make_unique<store::Store>(dataDir_ / "settlebridge.db") : store::Store::open(database);
}

Service::~Service() = default;

namespace {

void apply(store::Company& company, const CompanySettings& settings) {
    if (settings.mode) {
        if (*settings.mode == store::CompanyMode::Live && company.mode != store::CompanyMode::Live) {
            company.liveSince = nowSeconds();
        }
        company.mode = *settings.mode;
    }
    if (settings.homeCurrency) {
        const std::string code = common::asciiUpper(*settings.homeCurrency);
        if (!code.empty() && !qbxml::quickBooksCurrencyName(code)) {
            throw ServiceError("unknown currency \"" + *settings.homeCurrency +
                               "\": give the ISO code of the QuickBooks company file's currency (USD, CAD, GBP, EUR...)");
        }
        company.homeCurrency = code;
    }
    // The same rules as the admin page's settings (store/company_settings.hpp).
    if (settings.autoLiveDays) {
        if (const auto problem = store::checkAutoLiveDays(*settings.autoLiveDays)) throw ServiceError(problem->message);
        company.autoLiveDays = static_cast<int>(*settings.autoLiveDays);
    }
    if (settings.timeZone) {
        if (const auto problem = store::checkTimeZone(*settings.timeZone)) throw ServiceError(problem->message);
        company.timeZone = *settings.timeZone;
    }
    if (settings.customerName) {
        if (const auto problem = store::checkCustomerName(*settings.customerName)) throw ServiceError(problem->message);
        company.customerName = *settings.customerName;
    }
    if (settings.companyFile) company.companyFile = *settings.companyFile;
    if (settings.bankAccount) {
        if (!settings.bankAccount->empty()) {
            try {
                (void)qbxml::normalizeAccountName(*settings.bankAccount);
            } catch (const qbxml::RenderError& e) {
                throw ServiceError("the bank account \"" + *settings.bankAccount +
                                   "\" is not a name QuickBooks accepts: " + e.what());
            }
            if (common::equalsIgnoreCaseAscii(*settings.bankAccount, company.clearingAccount)) {
                throw ServiceError("the bank account must not be the clearing account \"" + company.clearingAccount +
                                   "\": the transfer moves each deposit from the clearing account to the bank");
            }
        }
        company.bankAccount = *settings.bankAccount;
    }
    if (settings.postTransfer) company.postTransfer = *settings.postTransfer;
    if (company.postTransfer && company.bankAccount.empty()) {
        throw ServiceError("--transfer on needs a bank account: give --bank-account NAME (the QuickBooks bank account "
                           "Amazon pays into)");
    }
}

/// Company options the CLI sets beside the company record (the admin page edits the same ones).
void applyOptions(store::Tx& tx, std::int64_t companyId, const CompanySettings& settings) {
    if (!settings.taxRegistered) return;
    store::CompanyOptionsRepo repo(tx.database());
    store::CompanyOptions options = repo.get(companyId);
    options.taxRegistered = *settings.taxRegistered;
    repo.save(options, nowSeconds());
}

void applyRateMaxAge(store::Tx& tx, std::int64_t companyId, int days) {
    if (days < 0 || days > 3650) throw ServiceError("--exchange-rate-max-age-days must be 0 to 3650");
    store::QbEditionRepo(tx.database()).setRateMaxAgeDays(companyId, days);
}

void checkPassword(const std::string& password) {
    if (password.size() < 8) throw ServiceError("the Web Connector password must have at least 8 characters");
}

}  // namespace

store::Company Service::addCompany(const std::string& name, const std::string& password,
                                   const CompanySettings& settings) {
    if (name.empty()) throw ServiceError("the company name cannot be empty");
    checkPassword(password);
    store::Company company;
    company.name = name;
    apply(company, settings);
    return store_->write([&](store::Tx& tx) {
        if (tx.companies().findByName(name)) throw ServiceError("a company named \"" + name + "\" already exists");
        store::Company created = tx.companies().create(company, password, nowSeconds());
        applyOptions(tx, created.id, settings);
        if (settings.rateMaxAgeDays) applyRateMaxAge(tx, created.id, *settings.rateMaxAgeDays);
        tx.events().add(nowSeconds(), created.id, store::EventLevel::Info, "company \"" + name + "\" added");
        return created;
    });
}

store::Company Service::updateCompany(const std::string& name, const CompanySettings& settings,
                                      const std::optional<std::string>& newPassword) {
    if (newPassword) checkPassword(*newPassword);
    return store_->write([&](store::Tx& tx) {
        auto company = tx.companies().findByName(name);
        if (!company) throw ServiceError("no company named \"" + name + "\"");
        apply(*company, settings);
        tx.companies().update(*company, nowSeconds());
        applyOptions(tx, company->id, settings);
        if (settings.rateMaxAgeDays) applyRateMaxAge(tx, company->id, *settings.rateMaxAgeDays);
        if (newPassword) tx.companies().setPassword(company->id, *newPassword, nowSeconds());
        return *company;
    });
}

std::vector<store::Company> Service::companies() {
    return store_->read([](store::Tx& tx) { return tx.companies().list(); });
}

store::Company Service::company(const std::string& name) {
    auto company = store_->read([&](store::Tx& tx) { return tx.companies().findByName(name); });
    if (!company) throw ServiceError("no company named \"" + name + "\"");
    return *company;
}

posting::ImportResult Service::importReport(const std::string& companyName, const fs::path& file,
                                            const ImportOptions& options) {
    const store::Company owner = company(companyName);
    const std::string raw = readReportFile(file);

    const store::CompanyOptions stored = store_->read(
        [&](store::Tx& tx) { return store::CompanyOptionsRepo(tx.database()).get(owner.id); });
    std::optional<settlement::Mapping> mapping;
    if (options.mapFile) {
        mapping = settlement::Mapping::loadFile(*options.mapFile);
        // An account line naming an account QuickBooks has with a type no item can post to: refused now.
        const auto problems = store_->read(
            [&](store::Tx& tx) { return posting::mappingAccountProblems(tx, owner.id, *mapping); });
        if (!problems.empty()) throw ServiceError(*options.mapFile + ": " + problems.front());
    } else if (!stored.mappingText.empty()) {
        mapping = settlement::Mapping::parse(stored.mappingText, owner.name + " mapping (revision " +
                                                                     std::to_string(stored.mappingRevision) + ")");
    }
    settlement::SummarizeOptions summarize;
    summarize.splitMonths = options.splitMonths || stored.splitMonths;
    summarize.taxRegistered = stored.taxRegistered;
    summarize.timeZone = owner.timeZone;
    summarize.customerName = owner.customerName;
    if (mapping) summarize.mapping = &*mapping;
    StringViewBuffer view(raw);
    std::istream stream(&view);
    settlement::Summary summary = settlement::summarizeStream(stream, file.string(), summarize);
    return posting::Queue(*store_).importSummary(companyName, raw, file.filename().string(), std::move(summary),
                                                 nowSeconds());
}

posting::Queue::ApproveResult Service::approve(const std::string& companyName, const std::string& settlementId,
                                               const std::string& exchangeRate) {
    company(companyName);
    return posting::Queue(*store_).approve(companyName, settlementId,
                                           posting::Queue::Approval{exchangeRate, "the command line"}, nowSeconds());
}

store::EditionInfo Service::edition(std::int64_t companyId) {
    return store_->read([&](store::Tx& tx) { return store::QbEditionRepo(tx.database()).get(companyId); });
}

int Service::approve(const std::string& companyName, const std::string& settlementId) {
    company(companyName);
    return posting::Queue(*store_).approve(companyName, settlementId, nowSeconds());
}

store::Document Service::retry(std::int64_t documentId) {
    return posting::Queue(*store_).retry(documentId, nowSeconds());
}

std::vector<posting::QueueStatus> Service::status(const std::optional<std::string>& companyName) {
    std::vector<posting::QueueStatus> result;
    posting::Queue queue(*store_);
    if (companyName) {
        company(*companyName);
        result.push_back(queue.status(*companyName));
        return result;
    }
    for (const auto& c : companies()) result.push_back(queue.status(c.name));
    return result;
}

posting::TaxReport Service::taxReport(const std::string& companyName, const std::string& from,
                                     const std::string& to) {
    const store::Company owner = company(companyName);
    try {
        return store_->read([&](store::Tx& tx) { return posting::buildTaxReport(tx, owner.id, from, to); });
    } catch (const std::invalid_argument& e) {
        throw ServiceError(e.what());
    }
}

std::string Service::qwc(const std::string& companyName, const std::string& url) {
    const store::Company owner = company(companyName);
    soap::QwcOptions options;
    options.companyName = owner.name;
    options.appUrl = url;
    options.ownerId = owner.ownerId;
    options.fileId = owner.fileId;
    options.runEveryMinutes = owner.runEveryMinutes;
    return soap::renderQwc(options);
}

}  // namespace settlebridge::app
