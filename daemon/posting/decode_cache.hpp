#pragma once
// Decoded stored summaries and document payloads, shared by every Web Connector session of the process, so a session
// decodes what it needs once instead of on every sendRequestXML / receiveResponseXML (docs/POSTING.md, "Caches").
//
// Only an optimisation: the store stays the truth. Every use reads the stored text in the caller's transaction and
// the cached decoding is used only when that text is byte for byte the one it was decoded from; a summary rebuilt
// in the store is decoded again, and a process that dies loses nothing but the cache. Thread-safe.

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "daemon/posting/document_builder.hpp"
#include "daemon/settlement/model.hpp"
#include "daemon/store/store.hpp"

namespace settlebridge::posting {

/// The items one summary document (a sales receipt or credit memo) references, as the planner needs them.
struct DocumentItems {
    std::vector<std::string> names;                      ///< item full names as QuickBooks stores them, no repeats
    std::vector<const settlement::SummaryLine*> lines;   ///< the first line of each (what its item is created from)
};

/// One decoded summary and what is derived from it.
class DecodedSummary {
public:
    DecodedSummary(std::string json, settlement::Summary summary);
    DecodedSummary(const DecodedSummary&) = delete;  // `items` points into `summary`
    DecodedSummary& operator=(const DecodedSummary&) = delete;

    const settlement::Summary& summary() const noexcept { return summary_; }
    const std::string& json() const noexcept { return json_; }
    /// The items of the summary document with this external key (empty when it has none).
    const DocumentItems& items(std::string_view externalKey) const;

private:
    std::string json_;
    settlement::Summary summary_;
    std::unordered_map<std::string, DocumentItems> items_;
};

class DecodeCache {
public:
    explicit DecodeCache(std::size_t summaryCapacity = 256, std::size_t payloadCapacity = 4096);

    /// The summary of a settlement row as stored now (read in `tx`). Throws store::StoreError when the row has none,
    /// and what store::decodeSummary throws for a summary it cannot read.
    std::shared_ptr<const DecodedSummary> summary(store::Tx& tx, std::int64_t settlementRow);

    /// A document payload (decodePayload), decoded once per distinct text.
    Payload payload(const std::string& json);

    struct Stats {
        std::uint64_t summaryHits = 0;
        std::uint64_t summaryDecodes = 0;
        std::uint64_t payloadHits = 0;
        std::uint64_t payloadDecodes = 0;
    };
    Stats stats() const;

private:
    struct SummaryEntry {
        std::shared_ptr<const DecodedSummary> decoded;
        std::list<std::int64_t>::iterator lru;
    };

    std::size_t summaryCapacity_;
    std::size_t payloadCapacity_;
    mutable std::mutex mutex_;
    std::unordered_map<std::int64_t, SummaryEntry> summaries_;
    std::list<std::int64_t> summaryLru_;  // most recently used first
    std::unordered_map<std::string, Payload> payloads_;
    Stats stats_;
};

}  // namespace settlebridge::posting
