#include "daemon/store/sellercloud_settings.hpp"

#include <algorithm>

namespace settlebridge::store {

namespace {

bool hasControl(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
    });
}

bool blankAtAnEnd(std::string_view text) {
    const auto blank = [](char c) { return c == ' ' || c == '\t'; };
    return !text.empty() && (blank(text.front()) || blank(text.back()));
}

/// The problem with one free-text value (a column name, a SKU, a product ID), or "" when it is fine.
std::string textProblem(std::string_view what, std::string_view value, std::size_t maxLength) {
    const std::string quoted = "\"" + std::string(value.substr(0, 60)) + (value.size() > 60 ? "…" : "") + "\"";
    if (value.size() > maxLength) {
        return std::string(what) + " can have at most " + std::to_string(maxLength) + " characters";
    }
    if (hasControl(value)) return std::string(what) + " cannot contain tabs, line breaks or other control characters";
    if (blankAtAnEnd(value)) {
        return std::string(what) + " " + quoted + " starts or ends with a space: remove it (names are compared exactly)";
    }
    return {};
}

}  // namespace

const std::vector<SellercloudColumnField>& sellercloudColumnFields() {
    static const std::vector<SellercloudColumnField> fields{
        {"column_day", "the last day's ad spend column", &SellercloudColumns::spendDay},
        {"column_7d", "the 7-day ad spend column", &SellercloudColumns::spend7d},
        {"column_30d", "the 30-day ad spend column", &SellercloudColumns::spend30d},
        {"column_sales", "the 30-day attributed sales column", &SellercloudColumns::sales30d},
        {"column_acos", "the 30-day ACoS column", &SellercloudColumns::acos30d},
    };
    return fields;
}

std::vector<SellercloudSettingProblem> checkSellercloudColumns(const SellercloudColumns& columns) {
    std::vector<SellercloudSettingProblem> problems;
    const auto& fields = sellercloudColumnFields();
    bool anyWritten = false;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const std::string& name = columns.*(fields[i].member);
        if (name.empty()) continue;
        anyWritten = true;
        std::string problem = textProblem(fields[i].label, name, kMaxSellercloudColumnName);
        if (problem.empty() && name.find(',') != std::string::npos) {
            problem = std::string(fields[i].label) + " \"" + name + "\" cannot contain a comma";
        }
        if (problem.empty()) {
            for (std::size_t j = 0; j < i; ++j) {
                if (columns.*(fields[j].member) == name) {
                    problem = std::string(fields[i].label) + " has the same name as " + std::string(fields[j].label) +
                              " (\"" + name + "\"): each figure needs a column of its own";
                    break;
                }
            }
        }
        if (!problem.empty()) problems.push_back({std::string(fields[i].field), problem});
    }
    if (!anyWritten) {
        problems.push_back({std::string(fields.front().field),
                            "name at least one custom column: with every name empty nothing is written to Sellercloud"});
    }
    return problems;
}

std::optional<SellercloudSettingProblem> checkSellercloudSendHour(std::int64_t hour) {
    if (hour >= 0 && hour <= 23) return std::nullopt;
    return SellercloudSettingProblem{"send_hour",
                                     "the hour of the daily send must be a whole number from 0 to 23 (the ads "
                                     "profile's local time; 9 = from 9:00)"};
}

std::vector<SellercloudSettingProblem> checkSellercloudManualLink(std::string_view sku, std::string_view productId,
                                                                  std::int64_t scCompanyId) {
    std::vector<SellercloudSettingProblem> problems;
    if (sku.empty()) {
        problems.push_back({"sku", "enter the advertised SKU"});
    } else if (std::string p = textProblem("the SKU", sku, kMaxSellercloudLinkValue); !p.empty()) {
        problems.push_back({"sku", p});
    }
    if (productId.empty()) {
        problems.push_back({"product_id", "enter the Sellercloud product ID the SKU belongs to"});
    } else if (std::string p = textProblem("the product ID", productId, kMaxSellercloudLinkValue); !p.empty()) {
        problems.push_back({"product_id", p});
    }
    if (scCompanyId < 1 || scCompanyId > kMaxSellercloudCompanyId) {
        problems.push_back({"sc_company_id", "the Sellercloud company id must be a whole number from 1 to 2,000,000,000 "
                                             "(see the companies Sellercloud lists)"});
    }
    return problems;
}

}  // namespace settlebridge::store
