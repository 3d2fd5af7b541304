#pragma once
// Settings of one company, validated with a message per field: the Amazon download window (1–90 days, default
// 30) and sync schedule, the Web Connector schedule, Testing → Live after N days, the QuickBooks customer (and
// customers per currency or marketplace), the time zone, the month-end split, the qbXML version, and the
// category → QuickBooks item / account table. The mapping parts are kept as the company's mapping text
// (docs/ACCOUNTING.md §11) in store::CompanyOptions; category accounts also go to the company's category accounts,
// which the Web Connector session uses when it creates an item.

#include <string>
#include <vector>

#include "daemon/admin/api.hpp"

namespace settlebridge::admin {

/// GET /api/companies/{id}/settings
ApiReply settingsGet(SiteContext& ctx, const ApiRequest& request);
/// PUT /api/companies/{id}/settings — any subset of the fields GET answers; nothing is saved when one is wrong
/// (400 with `errors`: one message per field).
ApiReply settingsPut(SiteContext& ctx, const ApiRequest& request);
/// GET /api/companies/{id}/tax-report?from=YYYY-MM-DD&to=YYYY-MM-DD: the figures for the GST/HST or VAT return
/// (posting::buildTaxReport; docs/ACCOUNTING.md section 15).
ApiReply taxReportGet(SiteContext& ctx, const ApiRequest& request);

/// The parts of a mapping text the settings page edits, and everything else kept as it is.
struct MappingForm {
    struct Override {
        std::string category;
        std::string item;     // "" = the default
        std::string account;  // "" = the default
    };
    struct Customer {
        std::string match;    // currency ("CAD") or marketplace ("Amazon.ca")
        std::string customer;
    };
    std::vector<Override> overrides;
    std::vector<Customer> customers;
    std::string extra;        // rule, sku and category lines (and comments), as written
};

/// Reads a mapping text written by composeMapping (or by hand).
MappingForm readMapping(const std::string& text);
/// The mapping text for a form ("" when the form is empty). `version` names it.
std::string composeMapping(const MappingForm& form, const std::string& version);

}  // namespace settlebridge::admin
