#include "daemon/admin/connect_api.hpp"

#include "daemon/admin/home_api.hpp"
#include "daemon/amazon/accounts.hpp"
#include "daemon/store/admin_company_options.hpp"

namespace settlebridge::admin {

ApiReply connectAmazonPost(SiteContext& ctx, const ApiRequest& request) {
    const auto companyId = request.optionalInt("company_id");
    if (!companyId) throw ApiError(400, "choose the company the seller account belongs to", "company_id");
    const auto region = amazon::parseRegion(request.optionalText("region").value_or("NA"));
    if (!region) throw ApiError(400, "the region must be NA (North America), EU (Europe) or FE (Far East)", "region");
    std::string name = request.optionalText("name").value_or("");
    if (!name.empty()) name = checkedDisplayName(name, "name");

    amazon::ConnectionSetup setup;
    setup.name = name;
    setup.region = *region;
    ctx.store().read([&](store::Tx& tx) {
        const store::Company company = requireCompany(tx, *companyId);
        setup.companyName = company.name;
        const store::CompanyOptions options = store::CompanyOptionsRepo(tx.database()).get(company.id);
        setup.downloadWindowDays = options.downloadWindowDays;
        setup.syncEveryMinutes = options.syncEveryMinutes;
    });
    if (request.has("marketplace_ids")) {
        Poco::JSON::Array::Ptr ids = request.body->getArray("marketplace_ids");
        if (!ids) throw ApiError(400, "marketplace_ids must be a list", "marketplace_ids");
        for (std::size_t i = 0; i < ids->size(); ++i) setup.marketplaceIds.push_back(ids->getElement<std::string>(static_cast<unsigned>(i)));
    }
    amazon::Accounts accounts(ctx.store(), ctx.box());
    amazon::ConsentStart start;
    try {
        start = accounts.beginConnect(setup, ctx.now());
    } catch (const amazon::AccountError& e) {
        throw ApiError(409, e.what(), "name");
    }
    const store::AmazonConnection connection =
        accounts.find(setup.companyName, name.empty() ? std::string(amazon::regionName(*region)) + " seller" : name);
    ctx.store().write([&](store::Tx& tx) {
        tx.events().add(ctx.now(), *companyId, store::EventLevel::Info,
                        "\"Connect with Amazon\" started for \"" + connection.name + "\" by " + request.session->userName);
    });
    JsonObject out = object();
    out->set("url", start.url);
    out->set("connection_id", connection.id);
    return ApiReply::ok(out);
}

ApiReply amazonTestPost(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t id = request.idAt(1);
    amazon::Accounts accounts(ctx.store(), ctx.box());
    amazon::ConnectionCheck check;
    try {
        check = accounts.test(id, ctx.now());
    } catch (const amazon::AccountError& e) {
        throw ApiError(409, e.what());
    }
    JsonObject out = object();
    out->set("verdict", amazon::verdictName(check.verdict));
    out->set("ok", check.verdict == amazon::ConnectionVerdict::Ok);
    out->set("message", check.message);
    out->set("detail", check.detail);
    return ApiReply::ok(out);
}

}  // namespace settlebridge::admin
