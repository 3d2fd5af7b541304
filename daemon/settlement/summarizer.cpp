#include "daemon/settlement/triple_key.hpp"
#include "daemon/settlement/summarizer.hpp"

#include <algorithm>
#include <climits>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "daemon/settlement/categories.hpp"
#include "daemon/common/datetime.hpp"
#include "daemon/settlement/naming.hpp"
#include "daemon/settlement/parser.hpp"

namespace settlebridge::settlement {

namespace {

constexpr std::int64_t kSecondsPerDay = 86400;
constexpr int kUndatedMonth = INT_MIN;  // month key of rows without a posted date
constexpr std::size_t kMaxSpans = 64;    // remembered [from, until) -> part spans (see slotFor)

/// What one (part, side, line key) has accumulated.
struct Acc {
    common::Cents amount = 0;
    std::int64_t quantity = 0;
    std::size_t rows = 0;
};

/// Receipt side [0] and credit memo side [1].
struct SideAcc {
    Acc side[2];
};

struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};


void addChecked(common::Cents& total, common::Cents amount) {
    if (__builtin_add_overflow(total, amount, &total)) throw SummarizeError("amount total overflows 64 bits");
}

void add(Acc& acc, const Row& row, bool withQuantity) {
    addChecked(acc.amount, row.amount);
    if (withQuantity) acc.quantity += row.quantity;
    ++acc.rows;
}

int monthKey(const common::CivilDate& date) noexcept { return date.year * 12 + static_cast<int>(date.month) - 1; }

common::CivilDate firstDayOfMonthKey(int key) noexcept {
    const int year = static_cast<int>(common::floorDiv(key, 12));
    return common::CivilDate{year, static_cast<unsigned>(common::floorMod(key, 12) + 1), 1};
}

common::CivilDate lastDayOfMonthKey(int key) noexcept {
    common::CivilDate date = firstDayOfMonthKey(key);
    date.day = common::daysInMonth(date.year, date.month);
    return date;
}

std::string money(common::Cents cents, const std::string& currency) {
    return common::formatCents(cents) + (currency.empty() ? "" : " " + currency);
}

}  // namespace

struct Summarizer::Impl {
    SummarizeOptions options;
    CategoryTable table;
    std::optional<TimeZone> zone;

    std::string zoneNote;  // set when the default zone could not be loaded
    bool haveHeader = false;
    bool finished = false;
    SettlementHeader header;
    std::string marketplaceName;
    std::size_t rowCount = 0;
    common::Cents rowsTotal = 0;

    // Month parts as met in the stream ("slots"); sorted into parts at finish.
    std::vector<int> slotMonths;                 // month key of each slot
    std::vector<std::vector<SideAcc>> byCategory;  // [slot][category]
    int startMonth = 0;
    int endMonth = 0;
    // Spans of instants already placed: [from, until) belongs to slot. A few per month (one per UTC offset).
    struct SlotSpan {
        common::UtcSeconds from;
        common::UtcSeconds until;
        std::size_t slot;
    };
    std::vector<SlotSpan> spans;
    std::size_t lastSpan = 0;

    // Product lines per SKU.
    std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> skuIndex;
    std::vector<std::string> skus;
    std::vector<std::vector<SideAcc>> bySku;  // [sku][slot]

    // Unmapped combinations.
    std::unordered_map<TripleKey, std::uint32_t, TripleHash, TripleEqual> unmappedIndex;
    std::vector<UnmappedCombination> unmapped;
    std::vector<std::vector<SideAcc>> byUnmapped;  // [combination][slot]

    // Tax on fees for a registrant, and the payouts the bank returned (per local day).
    std::uint32_t feeTax = 0;
    std::uint32_t feeTaxRecoverable = 0;
    std::uint32_t failedDisbursement = 0;
    std::map<std::string, Cents> returnedPayouts;

    explicit Impl(SummarizeOptions o) : options(std::move(o)), table(options.mapping) {
        feeTax = static_cast<std::uint32_t>(table.indexOf(kFeeTaxCategory));
        feeTaxRecoverable = static_cast<std::uint32_t>(table.indexOf(kFeeTaxRecoverableCategory));
        failedDisbursement = static_cast<std::uint32_t>(table.indexOf("failed-disbursement"));
        if (!isValidCustomerName(options.customerName)) {
            throw SummarizeError("customer name \"" + options.customerName +
                                 "\" is not valid in QuickBooks (1-41 characters per ':'-separated part)");
        }
        if (!options.timeZone.empty()) zone = TimeZone::load(options.timeZone, options.zoneInfoDir);
    }

    std::size_t slotOfMonth(int key) {
        for (std::size_t i = 0; i < slotMonths.size(); ++i)
            if (slotMonths[i] == key) return i;
        slotMonths.push_back(key);
        byCategory.emplace_back(table.categories().size());
        return slotMonths.size() - 1;
    }

    std::size_t slotFor(common::UtcSeconds posted) {
        if (!options.splitMonths) return 0;
        if (posted == 0) return slotOfMonth(kUndatedMonth);
        if (lastSpan < spans.size() && posted >= spans[lastSpan].from && posted < spans[lastSpan].until)
            return spans[lastSpan].slot;
        for (std::size_t i = 0; i < spans.size(); ++i) {
            if (posted >= spans[i].from && posted < spans[i].until) {
                lastSpan = i;
                return spans[i].slot;
            }
        }
        const ZoneOffset offset = zone->offsetAt(posted);
        const common::CivilDate local = common::civilFromDays(common::floorDiv(posted + offset.utcOffset, kSecondsPerDay));
        const int key = monthKey(local);
        int clamped = key;
        if (startMonth <= endMonth) clamped = std::clamp(key, startMonth, endMonth);
        const std::int64_t monthStart = common::daysFromCivil(firstDayOfMonthKey(key)) * kSecondsPerDay;
        const std::int64_t nextMonthStart = common::daysFromCivil(firstDayOfMonthKey(key + 1)) * kSecondsPerDay;
        const SlotSpan span{std::max(offset.validFrom, monthStart - offset.utcOffset),
                            std::min(offset.validUntil, nextMonthStart - offset.utcOffset), slotOfMonth(clamped)};
        // A real settlement needs a handful of spans; a file with dates strewn over centuries must not make
        // every row scan thousands: past the cap, such rows are placed without being remembered.
        if (spans.size() < kMaxSpans) {
            spans.push_back(span);
            lastSpan = spans.size() - 1;
        }
        return span.slot;
    }

    static SideAcc& at(std::vector<SideAcc>& perSlot, std::size_t slot) {
        if (perSlot.size() <= slot) perSlot.resize(slot + 1);
        return perSlot[slot];
    }

    void onHeader(const SettlementHeader& h) {
        if (haveHeader) throw SummarizeError("a second settlement header was received");
        if (finished) throw SummarizeError("the summary is already finished");
        header = h;
        haveHeader = true;
        if (!zone) {
            const std::string_view name = defaultZoneForCurrency(header.currency);
            if (name.empty()) {
                zone = TimeZone::utc();
            } else {
                try {
                    zone = TimeZone::load(std::string(name), options.zoneInfoDir);
                } catch (const TimeZoneError& e) {
                    // The default only: an explicit zone that cannot be loaded is an error (see the constructor).
                    zone = TimeZone::utc();
                    zoneNote = "The default time zone " + std::string(name) + " for " + header.currency +
                               " could not be loaded (" + e.what() +
                               "); dates are in UTC. Install the tzdata package or set the time zone.";
                }
            }
        }
        startMonth = monthKey(zone->localDate(header.startUtc));
        endMonth = monthKey(zone->localDate(header.endUtc));
        if (!options.splitMonths) slotOfMonth(endMonth);
        spans.reserve(kMaxSpans);
    }

    void onRow(const Row& row) {
        if (!haveHeader) throw SummarizeError("a row was received before the settlement header");
        if (finished) throw SummarizeError("the summary is already finished");
        ++rowCount;
        addChecked(rowsTotal, row.amount);
        if (marketplaceName.empty() && !row.marketplaceName.empty()) marketplaceName = std::string(row.marketplaceName);

        Classification cls = table.classify(row.transactionType, row.amountType, row.amountDescription);
        if (options.taxRegistered && cls.category == feeTax) cls.category = feeTaxRecoverable;
        if (cls.category == failedDisbursement) {
            const UtcSeconds when = row.postedUtc != 0 ? row.postedUtc : header.endUtc;
            addChecked(returnedPayouts[common::formatDate(zone->localDate(when))], row.amount);
        }
        const std::size_t slot = slotFor(row.postedUtc);
        const int side = cls.refund ? 1 : 0;

        if (cls.category == table.productIndex()) {
            auto it = skuIndex.find(row.sku);
            if (it == skuIndex.end()) {
                it = skuIndex.emplace(std::string(row.sku), static_cast<std::uint32_t>(skus.size())).first;
                skus.emplace_back(row.sku);
                bySku.emplace_back();
            }
            add(at(bySku[it->second], slot).side[side], row, true);
        } else if (cls.category == table.unmappedIndex()) {
            const TripleView triple{row.transactionType, row.amountType, row.amountDescription};
            auto it = unmappedIndex.find(triple);
            if (it == unmappedIndex.end()) {
                it = unmappedIndex
                         .emplace(TripleKey(TripleView{row.transactionType, row.amountType, row.amountDescription}),
                                  static_cast<std::uint32_t>(unmapped.size()))
                         .first;
                UnmappedCombination combination;
                combination.transactionType = std::string(row.transactionType);
                combination.amountType = std::string(row.amountType);
                combination.amountDescription = std::string(row.amountDescription);
                combination.firstLine = row.line;
                unmapped.push_back(std::move(combination));
                byUnmapped.emplace_back();
            }
            UnmappedCombination& combination = unmapped[it->second];
            ++combination.rows;
            addChecked(combination.amount, row.amount);
            add(at(byUnmapped[it->second], slot).side[side], row, false);
        } else {
            add(byCategory[slot][cls.category].side[side], row, false);
        }
    }

    Summary finish();
};

Summary Summarizer::Impl::finish() {
    if (!haveHeader) throw SummarizeError("no settlement header was received");
    if (finished) throw SummarizeError("the summary is already finished");
    finished = true;

    Summary summary;
    summary.header = header;
    summary.marketplaceName = marketplaceName;
    summary.timeZone = zone->name();
    summary.grossMode = options.grossMode;
    summary.mappingVersion = table.version();
    summary.rowCount = rowCount;
    summary.rowsTotal = rowsTotal;
    summary.difference = header.totalAmount - rowsTotal;
    summary.unmapped = unmapped;
    summary.taxRegistered = options.taxRegistered;
    if (options.mapping != nullptr) summary.carriedBalanceAccount = options.mapping->carriedBalanceAccount();
    for (const auto& [date, amount] : returnedPayouts) summary.returnedPayouts.push_back(ReturnedPayout{date, amount});
    const std::string& currency = header.currency;
    const std::string* mappedCustomer =
        options.mapping != nullptr ? options.mapping->customerFor(currency, marketplaceName) : nullptr;
    summary.customerName = mappedCustomer != nullptr ? *mappedCustomer : options.customerName;
    summary.depositDate = common::formatDate(zone->localDate(header.depositUtc));
    const common::CivilDate startDate = zone->localDate(header.startUtc);
    const common::CivilDate endDate = zone->localDate(header.endUtc);

    // Slots -> parts: dated months in order; undated rows join the last part.
    std::vector<int> months;
    for (const int key : slotMonths)
        if (key != kUndatedMonth) months.push_back(key);
    std::sort(months.begin(), months.end());
    if (months.empty()) months.push_back(endMonth);
    if (months.size() > static_cast<std::size_t>(kMaxParts))
        throw SummarizeError("the settlement spans " + std::to_string(months.size()) + " months; at most " +
                             std::to_string(kMaxParts) + " parts are possible");
    const std::size_t partCount = months.size();
    std::vector<std::size_t> partOfSlot(slotMonths.size(), partCount - 1);
    for (std::size_t slot = 0; slot < slotMonths.size(); ++slot) {
        if (slotMonths[slot] == kUndatedMonth) continue;
        partOfSlot[slot] = static_cast<std::size_t>(
            std::lower_bound(months.begin(), months.end(), slotMonths[slot]) - months.begin());
    }

    // Merge slot aggregates into part aggregates.
    const auto& categories = table.categories();
    std::vector<std::vector<SideAcc>> partCategory(partCount, std::vector<SideAcc>(categories.size()));
    auto merge = [](SideAcc& into, const SideAcc& from) {
        for (int s = 0; s < 2; ++s) {
            addChecked(into.side[s].amount, from.side[s].amount);
            into.side[s].quantity += from.side[s].quantity;
            into.side[s].rows += from.side[s].rows;
        }
    };
    for (std::size_t slot = 0; slot < slotMonths.size(); ++slot)
        for (std::size_t c = 0; c < categories.size(); ++c) merge(partCategory[partOfSlot[slot]][c], byCategory[slot][c]);
    auto toParts = [&](const std::vector<SideAcc>& perSlot) {
        std::vector<SideAcc> perPart(partCount);
        for (std::size_t slot = 0; slot < perSlot.size(); ++slot) merge(perPart[partOfSlot[slot]], perSlot[slot]);
        return perPart;
    };

    std::vector<std::uint32_t> skuOrder(skus.size());
    for (std::uint32_t i = 0; i < skuOrder.size(); ++i) skuOrder[i] = i;
    std::sort(skuOrder.begin(), skuOrder.end(), [&](std::uint32_t a, std::uint32_t b) { return skus[a] < skus[b]; });
    std::vector<std::uint32_t> unmappedOrder(unmapped.size());
    for (std::uint32_t i = 0; i < unmappedOrder.size(); ++i) unmappedOrder[i] = i;
    std::sort(unmappedOrder.begin(), unmappedOrder.end(), [&](std::uint32_t a, std::uint32_t b) {
        const auto& x = unmapped[a];
        const auto& y = unmapped[b];
        return std::tie(x.transactionType, x.amountType, x.amountDescription) <
               std::tie(y.transactionType, y.amountType, y.amountDescription);
    });
    std::vector<std::vector<SideAcc>> skuParts;
    skuParts.reserve(skus.size());
    for (const auto& perSlot : bySku) skuParts.push_back(toParts(perSlot));
    std::vector<std::vector<SideAcc>> unmappedParts;
    unmappedParts.reserve(unmapped.size());
    for (const auto& perSlot : byUnmapped) unmappedParts.push_back(toParts(perSlot));

    const Category& productCategory = categories[table.productIndex()];
    const Category& unmappedCategory = categories[table.unmappedIndex()];
    auto skuItem = [&](const std::string& sku) -> std::string {
        if (sku.empty()) return productCategory.item;
        if (options.mapping != nullptr)
            if (const std::string* item = options.mapping->skuItemFor(sku)) return *item;
        return skuItemName(sku);
    };

    common::Cents leftOut = 0;            // gross mode: what the documents leave out
    std::size_t leftOutRows = 0;
    const std::string fullId = header.settlementId;
    const std::string period = common::formatDate(startDate) + "\u2013" + common::formatDate(endDate);

    for (std::size_t part = 0; part < partCount; ++part) {
        std::vector<SummaryLine> lines[2];
        for (int side = 0; side < 2; ++side) {
            const common::Cents sign = side == 0 ? 1 : -1;
            const std::string refundPrefix = side == 0 ? "" : "Refunds: ";
            for (const std::uint32_t i : skuOrder) {
                const Acc& acc = skuParts[i][part].side[side];
                if (acc.rows == 0) continue;
                SummaryLine line;
                line.category = productCategory.key;
                line.sku = skus[i];
                line.item = skuItem(skus[i]);
                line.description = skus[i].empty() ? refundPrefix + productCategory.label + " (no SKU)"
                                                   : (side == 0 ? "Sales of SKU " : "Refunds of SKU ") + skus[i];
                line.quantity = acc.quantity;
                line.amount = sign * acc.amount;
                line.rows = acc.rows;
                lines[side].push_back(std::move(line));
            }
            for (std::size_t c = 0; c < categories.size(); ++c) {
                if (c == table.productIndex() || c == table.unmappedIndex()) continue;
                const Acc& acc = partCategory[part][c].side[side];
                if (acc.rows == 0) continue;
                if (options.grossMode && !categories[c].gross) {
                    addChecked(leftOut, acc.amount);
                    leftOutRows += acc.rows;
                    continue;
                }
                SummaryLine line;
                line.category = categories[c].key;
                line.item = categories[c].item;
                line.description = refundPrefix + categories[c].label;
                line.amount = sign * acc.amount;
                line.rows = acc.rows;
                lines[side].push_back(std::move(line));
            }
            for (const std::uint32_t i : unmappedOrder) {
                const Acc& acc = unmappedParts[i][part].side[side];
                if (acc.rows == 0) continue;
                const auto& combination = unmapped[i];
                SummaryLine line;
                line.category = unmappedCategory.key;
                line.item = unmappedCategory.item;
                line.description = refundPrefix + "Unmapped: " + combination.transactionType + " / " +
                                   combination.amountType + " / " + combination.amountDescription;
                line.amount = sign * acc.amount;
                line.rows = acc.rows;
                lines[side].push_back(std::move(line));
            }
        }

        auto total = [](const std::vector<SummaryLine>& list) {
            common::Cents sum = 0;
            for (const auto& line : list) addChecked(sum, line.amount);
            return sum;
        };
        const common::Cents receiptTotal = total(lines[0]);
        const common::Cents creditTotal = total(lines[1]);
        const std::string partLabel =
            partCount > 1 ? "Part " + std::to_string(part + 1) + " of " + std::to_string(partCount) + ": " : "";
        auto moveLines = [](std::vector<SummaryLine>& from, std::vector<SummaryLine>& to) {
            for (auto& line : from) {
                line.amount = -line.amount;
                line.quantity = -line.quantity;
                to.push_back(std::move(line));
            }
            from.clear();
        };
        if (receiptTotal >= 0 && creditTotal >= 0) {
            // Both documents can be posted as they are.
        } else if (receiptTotal - creditTotal >= 0) {
            if (!lines[1].empty()) {
                summary.notes.push_back(partLabel + (partLabel.empty() ? "The" : "the") + " credit memo would total " + money(creditTotal, currency) +
                                        " (negative), which QuickBooks refuses; its lines were moved onto the sales "
                                        "receipt with their signs reversed (receipt total " +
                                        money(receiptTotal - creditTotal, currency) + ").");
            }
            moveLines(lines[1], lines[0]);
        } else {
            if (!lines[0].empty()) {
                summary.notes.push_back(partLabel + (partLabel.empty() ? "The" : "the") + " sales receipt would total " + money(receiptTotal, currency) +
                                        " (negative), which QuickBooks refuses; its lines were moved onto the credit "
                                        "memo with their signs reversed (credit memo total " +
                                        money(creditTotal - receiptTotal, currency) + ").");
            }
            moveLines(lines[0], lines[1]);
        }

        SummaryPart summaryPart;
        summaryPart.index = static_cast<int>(part);
        summaryPart.month = common::formatYearMonth(firstDayOfMonthKey(months[part]));
        summaryPart.txnDate = part + 1 == partCount ? common::formatDate(endDate) : common::formatDate(lastDayOfMonthKey(months[part]));
        summaryPart.net = receiptTotal - creditTotal;
        summary.parts.push_back(summaryPart);

        for (int side = 0; side < 2; ++side) {
            if (lines[side].empty()) continue;
            SummaryDocument document;
            document.kind = side == 0 ? DocumentKind::SalesReceipt : DocumentKind::CreditMemo;
            document.part = static_cast<int>(part);
            document.refNumber =
                makeRefNumber(fullId, side == 0 ? RefKind::SalesReceipt : RefKind::CreditMemo, static_cast<int>(part));
            document.externalKey = fullId + (side == 0 ? ":R:" : ":C:") + std::to_string(part);
            document.txnDate = summaryPart.txnDate;
            document.memo = "Amazon settlement " + fullId + " " + period +
                            (partCount > 1 ? " part " + std::to_string(part + 1) + " of " + std::to_string(partCount)
                                           : std::string()) +
                            " key " + document.externalKey;
            document.lines = std::move(lines[side]);
            summary.documents.push_back(std::move(document));
        }
    }

    common::Cents net = 0;
    for (const auto& document : summary.documents)
        addChecked(net, document.kind == DocumentKind::SalesReceipt ? document.total() : -document.total());
    summary.documentsNet = net;
    summary.reconciled = !options.grossMode && rowsTotal == header.totalAmount && net == header.totalAmount;

    if (!zoneNote.empty()) summary.notes.push_back(zoneNote);
    if (summary.throughCarriedBalance()) {
        summary.notes.push_back("The settlement ends at " + money(header.totalAmount, currency) +
                                ": nothing is paid out, the seller owes Amazon. Its documents go through \"" +
                                summary.carriedBalanceAccount +
                                "\" instead of the clearing account, where Amazon's later collection (Payable to "
                                "Amazon, a card charge) clears it (docs/ACCOUNTING.md section 14).");
    }
    for (const auto& returned : summary.returnedPayouts) {
        if (returned.amount >= 0) continue;
        summary.notes.push_back("The Failed disbursement rows of " + returned.date + " total " +
                                money(returned.amount, currency) +
                                " (negative): no transfer back is made for them; check the bank statement and record "
                                "what it shows against \"" + summary.carriedBalanceAccount + "\".");
    }
    if (rowsTotal != header.totalAmount) {
        summary.notes.push_back("The report's rows sum to " + money(rowsTotal, currency) + " but its total-amount is " +
                                money(header.totalAmount, currency) + " (difference " +
                                money(summary.difference, currency) +
                                "): the file is incomplete. Do not post it; Amazon usually re-issues such a settlement.");
    }
    if (!unmapped.empty()) {
        std::size_t rows = 0;
        for (const auto& combination : unmapped) rows += combination.rows;
        summary.notes.push_back(std::to_string(rows) + " row" + (rows == 1 ? "" : "s") + " of " +
                                std::to_string(unmapped.size()) + " unknown kind" + (unmapped.size() == 1 ? "" : "s") +
                                " went to Unmapped lines; add mapping rules for them (docs/ACCOUNTING.md).");
    }
    if (options.grossMode) {
        summary.notes.push_back("Gross mode: " + std::to_string(leftOutRows) + " fee and account row" +
                                (leftOutRows == 1 ? "" : "s") + " totalling " + money(leftOut, currency) +
                                " are left off the documents, so the documents net to " + money(net, currency) +
                                " and do NOT match the deposit of " + money(header.totalAmount, currency) +
                                " (off by " + money(header.totalAmount - net, currency) +
                                "). Record the fees separately before reconciling the bank.");
    }
    return summary;
}

Summarizer::Summarizer(SummarizeOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Summarizer::~Summarizer() = default;
void Summarizer::onHeader(const SettlementHeader& header) { impl_->onHeader(header); }
void Summarizer::onRow(const Row& row) { impl_->onRow(row); }
Summary Summarizer::finish() { return impl_->finish(); }

Summary summarizeFile(const std::string& path, const SummarizeOptions& options) {
    Summarizer summarizer(options);
    parseFile(path, summarizer);
    return summarizer.finish();
}

Summary summarizeStream(std::istream& in, const std::string& name, const SummarizeOptions& options) {
    Summarizer summarizer(options);
    Parser(name).parse(in, summarizer);
    return summarizer.finish();
}

}  // namespace settlebridge::settlement
