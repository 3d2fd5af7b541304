#include "daemon/sellercloud/sink.hpp"

namespace settlebridge::sellercloud {

std::optional<std::string> acosPercent(common::Cents spend, common::Cents sales) {
    if (sales <= 0) return std::nullopt;
    // Basis points of a percent (1/100 %): spend * 10000 / sales, rounded half away from zero.
    const bool negative = spend < 0;
    const common::Cents magnitude = negative ? -spend : spend;
    const common::Cents hundredths = (magnitude * 20000 + sales) / (2 * sales);
    return common::formatCents(negative ? -hundredths : hundredths);
}

CustomColumnsSink::CustomColumnsSink(Client& client, store::SellercloudColumns columns)
    : client_(client), columns_(std::move(columns)) {}

std::vector<std::string> CustomColumnsSink::fields() const {
    std::vector<std::string> out;
    for (const std::string* name :
         {&columns_.spendDay, &columns_.spend7d, &columns_.spend30d, &columns_.sales30d, &columns_.acos30d}) {
        if (!name->empty()) out.push_back(*name);
    }
    return out;
}

WrittenValues CustomColumnsSink::write(const ProductFigures& f) {
    WrittenValues written;
    std::vector<ColumnValue> values;
    auto add = [&](const std::string& column, const std::optional<std::string>& number) {
        if (column.empty()) return;
        values.push_back({column, number.value_or("null")});
        written.emplace_back(column, number.value_or(""));
    };
    add(columns_.spendDay, centsJson(f.spendDay));
    add(columns_.spend7d, centsJson(f.spend7d));
    add(columns_.spend30d, centsJson(f.spend30d));
    add(columns_.sales30d, centsJson(f.sales30d));
    add(columns_.acos30d, acosPercent(f.spend30d, f.sales30d));
    if (values.empty()) return written;
    client_.updateCustomColumns(f.productId, values);
    return written;
}

void CustomColumnsSink::clear(const std::string& productId) {
    std::vector<ColumnValue> values;
    for (const auto& column : fields()) values.push_back({column, "null"});
    if (!values.empty()) client_.updateCustomColumns(productId, values);
}

}  // namespace settlebridge::sellercloud
