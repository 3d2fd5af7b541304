#include "daemon/store/summary_codec.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

namespace settlebridge::store {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using settlement::DocumentKind;
using settlement::Layout;

constexpr int kCodecVersion = 1;

Object::Ptr encodeLine(const settlement::SummaryLine& l) {
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("category", l.category);
    o->set("sku", l.sku);
    o->set("item", l.item);
    o->set("description", l.description);
    o->set("quantity", static_cast<Poco::Int64>(l.quantity));
    o->set("amount", static_cast<Poco::Int64>(l.amount));
    o->set("rows", static_cast<Poco::UInt64>(l.rows));
    return o;
}

Object::Ptr encodeDocument(const settlement::SummaryDocument& d) {
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("kind", d.kind == DocumentKind::SalesReceipt ? "receipt" : "credit_memo");
    o->set("part", d.part);
    o->set("refNumber", d.refNumber);
    o->set("externalKey", d.externalKey);
    o->set("txnDate", d.txnDate);
    o->set("memo", d.memo);
    Array::Ptr lines = new Array;
    for (const auto& l : d.lines) lines->add(encodeLine(l));
    o->set("lines", lines);
    return o;
}

std::string getString(const Object::Ptr& o, const std::string& key) {
    if (!o->has(key)) throw StoreError("stored summary lacks \"" + key + "\"");
    return o->getValue<std::string>(key);
}

std::int64_t getInt(const Object::Ptr& o, const std::string& key) {
    if (!o->has(key)) throw StoreError("stored summary lacks \"" + key + "\"");
    return o->getValue<Poco::Int64>(key);
}

Array::Ptr getArray(const Object::Ptr& o, const std::string& key) {
    Array::Ptr a = o->getArray(key);
    if (!a) throw StoreError("stored summary lacks the array \"" + key + "\"");
    return a;
}

Object::Ptr objectAt(const Array::Ptr& a, unsigned i) {
    Object::Ptr o = a->getObject(i);
    if (!o) throw StoreError("stored summary has a malformed array element");
    return o;
}

settlement::SummaryLine decodeLine(const Object::Ptr& o) {
    settlement::SummaryLine l;
    l.category = getString(o, "category");
    l.sku = getString(o, "sku");
    l.item = getString(o, "item");
    l.description = getString(o, "description");
    l.quantity = getInt(o, "quantity");
    l.amount = getInt(o, "amount");
    l.rows = static_cast<std::size_t>(getInt(o, "rows"));
    return l;
}

settlement::SummaryDocument decodeDocument(const Object::Ptr& o) {
    settlement::SummaryDocument d;
    const std::string kind = getString(o, "kind");
    if (kind == "receipt") {
        d.kind = DocumentKind::SalesReceipt;
    } else if (kind == "credit_memo") {
        d.kind = DocumentKind::CreditMemo;
    } else {
        throw StoreError("stored summary has an unknown document kind \"" + kind + "\"");
    }
    d.part = static_cast<int>(getInt(o, "part"));
    d.refNumber = getString(o, "refNumber");
    d.externalKey = getString(o, "externalKey");
    d.txnDate = getString(o, "txnDate");
    d.memo = getString(o, "memo");
    Array::Ptr lines = getArray(o, "lines");
    for (unsigned i = 0; i < lines->size(); ++i) d.lines.push_back(decodeLine(objectAt(lines, i)));
    return d;
}

}  // namespace

std::string encodeSummary(const settlement::Summary& s) {
    Object::Ptr root = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    root->set("codec", kCodecVersion);
    Object::Ptr h = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    h->set("settlementId", s.header.settlementId);
    h->set("startUtc", static_cast<Poco::Int64>(s.header.startUtc));
    h->set("endUtc", static_cast<Poco::Int64>(s.header.endUtc));
    h->set("depositUtc", static_cast<Poco::Int64>(s.header.depositUtc));
    h->set("totalAmount", static_cast<Poco::Int64>(s.header.totalAmount));
    h->set("currency", s.header.currency);
    h->set("layout", s.header.layout == Layout::FlatFileV2 ? "v2" : "v1");
    root->set("header", h);
    root->set("marketplaceName", s.marketplaceName);
    root->set("timeZone", s.timeZone);
    root->set("customerName", s.customerName);
    root->set("depositDate", s.depositDate);
    Array::Ptr parts = new Array;
    for (const auto& p : s.parts) {
        Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        o->set("index", p.index);
        o->set("month", p.month);
        o->set("txnDate", p.txnDate);
        o->set("net", static_cast<Poco::Int64>(p.net));
        parts->add(o);
    }
    root->set("parts", parts);
    Array::Ptr documents = new Array;
    for (const auto& d : s.documents) documents->add(encodeDocument(d));
    root->set("documents", documents);
    Array::Ptr unmapped = new Array;
    for (const auto& u : s.unmapped) {
        Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        o->set("transactionType", u.transactionType);
        o->set("amountType", u.amountType);
        o->set("amountDescription", u.amountDescription);
        o->set("rows", static_cast<Poco::UInt64>(u.rows));
        o->set("amount", static_cast<Poco::Int64>(u.amount));
        o->set("firstLine", static_cast<Poco::UInt64>(u.firstLine));
        unmapped->add(o);
    }
    root->set("unmapped", unmapped);
    root->set("rowCount", static_cast<Poco::UInt64>(s.rowCount));
    root->set("rowsTotal", static_cast<Poco::Int64>(s.rowsTotal));
    root->set("documentsNet", static_cast<Poco::Int64>(s.documentsNet));
    root->set("reconciled", s.reconciled);
    root->set("difference", static_cast<Poco::Int64>(s.difference));
    root->set("grossMode", s.grossMode);
    root->set("mappingVersion", s.mappingVersion);
    Array::Ptr notes = new Array;
    for (const auto& n : s.notes) notes->add(n);
    root->set("notes", notes);
    root->set("carriedBalanceAccount", s.carriedBalanceAccount);
    Array::Ptr returned = new Array;
    for (const auto& r : s.returnedPayouts) {
        Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        o->set("date", r.date);
        o->set("amount", static_cast<Poco::Int64>(r.amount));
        returned->add(o);
    }
    root->set("returnedPayouts", returned);
    root->set("taxRegistered", s.taxRegistered);
    std::ostringstream out;
    root->stringify(out);
    return out.str();
}

settlement::Summary decodeSummary(std::string_view json) {
    try {
        Poco::JSON::Parser parser;
        Object::Ptr root = parser.parse(std::string(json)).extract<Object::Ptr>();
        if (!root || getInt(root, "codec") != kCodecVersion) throw StoreError("stored summary has an unknown format");
        settlement::Summary s;
        Object::Ptr h = root->getObject("header");
        if (!h) throw StoreError("stored summary lacks its header");
        s.header.settlementId = getString(h, "settlementId");
        s.header.startUtc = getInt(h, "startUtc");
        s.header.endUtc = getInt(h, "endUtc");
        s.header.depositUtc = getInt(h, "depositUtc");
        s.header.totalAmount = getInt(h, "totalAmount");
        s.header.currency = getString(h, "currency");
        s.header.layout = getString(h, "layout") == "v1" ? Layout::FlatFileV1 : Layout::FlatFileV2;
        s.marketplaceName = getString(root, "marketplaceName");
        s.timeZone = getString(root, "timeZone");
        s.customerName = getString(root, "customerName");
        s.depositDate = getString(root, "depositDate");
        Array::Ptr parts = getArray(root, "parts");
        for (unsigned i = 0; i < parts->size(); ++i) {
            Object::Ptr o = objectAt(parts, i);
            settlement::SummaryPart p;
            p.index = static_cast<int>(getInt(o, "index"));
            p.month = getString(o, "month");
            p.txnDate = getString(o, "txnDate");
            p.net = getInt(o, "net");
            s.parts.push_back(std::move(p));
        }
        Array::Ptr documents = getArray(root, "documents");
        for (unsigned i = 0; i < documents->size(); ++i) s.documents.push_back(decodeDocument(objectAt(documents, i)));
        Array::Ptr unmapped = getArray(root, "unmapped");
        for (unsigned i = 0; i < unmapped->size(); ++i) {
            Object::Ptr o = objectAt(unmapped, i);
            settlement::UnmappedCombination u;
            u.transactionType = getString(o, "transactionType");
            u.amountType = getString(o, "amountType");
            u.amountDescription = getString(o, "amountDescription");
            u.rows = static_cast<std::size_t>(getInt(o, "rows"));
            u.amount = getInt(o, "amount");
            u.firstLine = static_cast<std::size_t>(getInt(o, "firstLine"));
            s.unmapped.push_back(std::move(u));
        }
        s.rowCount = static_cast<std::size_t>(getInt(root, "rowCount"));
        s.rowsTotal = getInt(root, "rowsTotal");
        s.documentsNet = getInt(root, "documentsNet");
        s.reconciled = root->getValue<bool>("reconciled");
        s.difference = getInt(root, "difference");
        s.grossMode = root->getValue<bool>("grossMode");
        s.mappingVersion = getString(root, "mappingVersion");
        Array::Ptr notes = getArray(root, "notes");
        for (unsigned i = 0; i < notes->size(); ++i) s.notes.push_back(notes->getElement<std::string>(i));
        // Summaries stored before carried balances and tax registration were recorded keep the defaults.
        if (root->has("carriedBalanceAccount")) s.carriedBalanceAccount = getString(root, "carriedBalanceAccount");
        if (root->has("returnedPayouts")) {
            Array::Ptr returned = getArray(root, "returnedPayouts");
            for (unsigned i = 0; i < returned->size(); ++i) {
                Object::Ptr o = objectAt(returned, i);
                s.returnedPayouts.push_back(settlement::ReturnedPayout{getString(o, "date"), getInt(o, "amount")});
            }
        }
        if (root->has("taxRegistered")) s.taxRegistered = root->getValue<bool>("taxRegistered");
        return s;
    } catch (const StoreError&) {
        throw;
    } catch (const Poco::Exception& e) {
        throw StoreError("stored summary cannot be read: " + e.displayText());
    } catch (const std::exception& e) {
        throw StoreError(std::string("stored summary cannot be read: ") + e.what());
    }
}

}  // namespace settlebridge::store
