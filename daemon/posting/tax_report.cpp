#include "daemon/posting/tax_report.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <tuple>

#include "daemon/store/admin_company_options.hpp"
#include "daemon/store/summary_codec.hpp"

namespace settlebridge::posting {

namespace {

bool isDate(const std::string& text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (i == 4 || i == 7) continue;
        if (text[i] < '0' || text[i] > '9') return false;
    }
    const int month = (text[5] - '0') * 10 + (text[6] - '0');
    const int day = (text[8] - '0') * 10 + (text[9] - '0');
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

}  // namespace

TaxReport buildTaxReport(store::Tx& tx, std::int64_t companyId, const std::string& from, const std::string& to) {
    if (!from.empty() && !isDate(from)) throw std::invalid_argument("--from must be a date YYYY-MM-DD, got \"" + from + "\"");
    if (!to.empty() && !isDate(to)) throw std::invalid_argument("--to must be a date YYYY-MM-DD, got \"" + to + "\"");
    if (!from.empty() && !to.empty() && from > to) {
        throw std::invalid_argument("the period starts (" + from + ") after it ends (" + to + ")");
    }
    auto company = tx.companies().find(companyId);
    if (!company) throw store::StoreError("no company with id " + std::to_string(companyId));
    TaxReport report;
    report.company = company->name;
    report.registered = store::CompanyOptionsRepo(tx.database()).get(companyId).taxRegistered;
    report.from = from;
    report.to = to;

    std::map<std::pair<std::string, std::string>, settlement::TaxFigures> months;
    for (const domain::SettlementRecord& record : tx.settlements().list(companyId)) {
        if (record.state != domain::SettlementState::Active) continue;
        const auto stored = tx.settlements().summary(record.id);
        if (!stored) continue;
        const settlement::Summary summary = store::decodeSummary(stored->summaryJson);
        bool posted = true;
        bool any = false;
        for (const domain::Document& d : tx.documents().forSettlement(record.id)) {
            any = true;
            if (d.state != domain::DocState::Posted) posted = false;
        }
        for (const settlement::DatedTaxFigures& dated : settlement::taxFigures(summary)) {
            if (!from.empty() && dated.txnDate < from) continue;
            if (!to.empty() && dated.txnDate > to) continue;
            report.rows.push_back(TaxReportRow{summary.header.settlementId, summary.header.currency, dated.txnDate,
                                               summary.taxRegistered, posted && any, dated.figures});
            months[{dated.txnDate.substr(0, 7), summary.header.currency}] += dated.figures;
        }
    }
    std::sort(report.rows.begin(), report.rows.end(), [](const TaxReportRow& a, const TaxReportRow& b) {
        return std::tie(a.txnDate, a.settlementId) < std::tie(b.txnDate, b.settlementId);
    });
    for (const auto& [key, figures] : months) report.months.push_back(TaxReportMonth{key.first, key.second, figures});
    return report;
}

}  // namespace settlebridge::posting
