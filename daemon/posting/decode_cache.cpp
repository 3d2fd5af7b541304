#include "daemon/posting/decode_cache.hpp"

#include <set>

#include "daemon/common/text.hpp"
#include "daemon/store/summary_codec.hpp"
#include "qbxml/render.hpp"

namespace settlebridge::posting {

namespace {

/// An item name as QuickBooks stores it; an impossible one is kept as it is (its document fails when rendered).
std::string itemName(std::string_view name) {
    try {
        return qbxml::normalizeItemName(name);
    } catch (const qbxml::RenderError&) {
        return std::string(name);
    }
}

const DocumentItems& noItems() {
    static const DocumentItems empty;
    return empty;
}

}  // namespace

DecodedSummary::DecodedSummary(std::string json, settlement::Summary summary)
    : json_(std::move(json)), summary_(std::move(summary)) {
    for (const auto& doc : summary_.documents) {
        DocumentItems& items = items_[doc.externalKey];
        std::set<std::string> seen;
        for (const auto& line : doc.lines) {
            if (line.item.empty()) continue;
            std::string name = itemName(line.item);
            if (!seen.insert(common::asciiLower(name)).second) continue;
            items.names.push_back(std::move(name));
            items.lines.push_back(&line);
        }
    }
}

const DocumentItems& DecodedSummary::items(std::string_view externalKey) const {
    auto it = items_.find(std::string(externalKey));
    return it == items_.end() ? noItems() : it->second;
}

DecodeCache::DecodeCache(std::size_t summaryCapacity, std::size_t payloadCapacity)
    : summaryCapacity_(summaryCapacity == 0 ? 1 : summaryCapacity),
      payloadCapacity_(payloadCapacity == 0 ? 1 : payloadCapacity) {}

std::shared_ptr<const DecodedSummary> DecodeCache::summary(store::Tx& tx, std::int64_t settlementRow) {
    auto stored = tx.settlements().summary(settlementRow);
    if (!stored) throw store::StoreError("settlement row " + std::to_string(settlementRow) + " has no summary");
    {
        std::lock_guard lock(mutex_);
        auto it = summaries_.find(settlementRow);
        if (it != summaries_.end() && it->second.decoded->json() == stored->summaryJson) {
            summaryLru_.splice(summaryLru_.begin(), summaryLru_, it->second.lru);
            ++stats_.summaryHits;
            return it->second.decoded;
        }
    }
    // Decoded outside the lock: other sessions go on meanwhile; two threads decoding the same row both get a
    // correct result and the second one's replaces the first in the cache.
    settlement::Summary decoded = store::decodeSummary(stored->summaryJson);
    auto entry = std::make_shared<const DecodedSummary>(std::move(stored->summaryJson), std::move(decoded));
    std::lock_guard lock(mutex_);
    ++stats_.summaryDecodes;
    auto it = summaries_.find(settlementRow);
    if (it != summaries_.end()) {
        it->second.decoded = entry;
        summaryLru_.splice(summaryLru_.begin(), summaryLru_, it->second.lru);
        return entry;
    }
    while (summaries_.size() >= summaryCapacity_ && !summaryLru_.empty()) {
        summaries_.erase(summaryLru_.back());
        summaryLru_.pop_back();
    }
    summaryLru_.push_front(settlementRow);
    summaries_.emplace(settlementRow, SummaryEntry{entry, summaryLru_.begin()});
    return entry;
}

Payload DecodeCache::payload(const std::string& json) {
    {
        std::lock_guard lock(mutex_);
        auto it = payloads_.find(json);
        if (it != payloads_.end()) {
            ++stats_.payloadHits;
            return it->second;
        }
    }
    Payload decoded = decodePayload(json);  // throws for a payload this version did not write: nothing cached
    std::lock_guard lock(mutex_);
    ++stats_.payloadDecodes;
    if (payloads_.size() >= payloadCapacity_) payloads_.clear();
    payloads_.emplace(json, decoded);
    return decoded;
}

DecodeCache::Stats DecodeCache::stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

}  // namespace settlebridge::posting
