#include "daemon/admin/unmapped_api.hpp"

#include "daemon/settlement/categories.hpp"
#include "daemon/settlement/mapping.hpp"
#include "daemon/store/admin_company_options.hpp"
#include "daemon/store/unmapped_types.hpp"

namespace settlebridge::admin {

namespace {

std::string labelOf(const settlement::CategoryTable& table, const std::string& key) {
    const int index = table.indexOf(key);
    return index < 0 ? key : table.categories()[static_cast<std::size_t>(index)].label;
}

}  // namespace

ApiReply unmappedGet(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t companyId = request.idAt(1);
    return ctx.store().read([&](store::Tx& tx) {
        requireCompany(tx, companyId);
        const store::CompanyOptions options = store::CompanyOptionsRepo(tx.database()).get(companyId);
        std::optional<settlement::Mapping> mapping;
        try {
            if (!options.mappingText.empty()) mapping = settlement::Mapping::parse(options.mappingText, "mapping");
        } catch (const settlement::MappingError&) {
            mapping.reset();
        }
        const settlement::CategoryTable table(mapping ? &*mapping : nullptr);

        JsonObject out = object();
        out->set("mapping_version", store::companyMappingVersion(options.mappingText, options.mappingRevision));
        JsonArray types = array();
        for (const store::UnmappedType& type : store::listUnmappedTypes(tx, companyId)) {
            JsonObject t = object();
            t->set("transaction_type", type.transactionType);
            t->set("amount_type", type.amountType);
            t->set("amount_description", type.amountDescription);
            t->set("rows", static_cast<std::int64_t>(type.rows));
            t->set("mapped_to", type.mappedTo);
            t->set("mapped_to_label", type.mappedTo.empty() ? std::string() : labelOf(table, type.mappedTo));
            JsonArray totals = array();
            for (const auto& [currency, cents] : type.totals) {
                JsonObject total = object();
                total->set("currency", currency);
                total->set("amount_cents", cents);
                total->set("amount", money(cents, currency));
                totals->add(total);
            }
            t->set("totals", totals);
            JsonArray settlements = array();
            for (const store::UnmappedOccurrence& o : type.settlements) {
                JsonObject s = object();
                s->set("settlement_row", o.settlementRow);
                s->set("settlement_id", o.settlementId);
                s->set("currency", o.currency);
                s->set("rows", static_cast<std::int64_t>(o.rows));
                s->set("amount_cents", o.amount);
                s->set("amount", money(o.amount, o.currency));
                s->set("first_line", static_cast<std::int64_t>(o.firstLine));
                settlements->add(s);
            }
            t->set("settlements", settlements);
            types->add(t);
        }
        out->set("types", types);
        JsonArray categories = array();
        for (const settlement::Category& c : table.categories()) {
            if (c.key == settlement::kProductCategory || c.key == settlement::kUnmappedCategory) continue;
            JsonObject o = object();
            o->set("key", c.key);
            o->set("label", c.label);
            categories->add(o);
        }
        out->set("categories", categories);
        return ApiReply::ok(out);
    });
}

ApiReply unmappedMapPost(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t companyId = request.idAt(1);
    const std::string transactionType = request.optionalText("transaction_type").value_or("");
    const std::string amountType = request.optionalText("amount_type").value_or("");
    const std::string amountDescription = request.optionalText("amount_description").value_or("");
    const std::string category = request.optionalText("category").value_or("");
    if (category.empty()) throw ApiError(400, "choose the category these rows belong to", "category");
    return ctx.store().write([&](store::Tx& tx) {
        requireCompany(tx, companyId);
        store::MappedType mapped;
        try {
            mapped = store::mapUnmappedType(tx, companyId, transactionType, amountType, amountDescription, category,
                                            request.session->userName, ctx.now());
        } catch (const store::UnmappedMappingError& e) {
            throw ApiError(400, e.what(), e.field());
        }
        JsonObject out = object();
        out->set("rule", mapped.rule);
        out->set("mapping_version", mapped.mappingVersion);
        out->set("category", mapped.category);
        out->set("category_label", mapped.categoryLabel);
        out->set("message", "Rows " + transactionType + " / " + amountType + " / " + amountDescription +
                                " now go to \"" + mapped.categoryLabel + "\" (mapping " + mapped.mappingVersion +
                                "); settlements imported from now on use it.");
        return ApiReply::ok(out);
    });
}

}  // namespace settlebridge::admin
