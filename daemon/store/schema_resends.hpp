#pragma once
// Migration: re-sends counted per document, the evidence of a document that needs checking, and what a Web
// Connector session must say about the one before it (docs/POSTING.md "Exactly once", "Restarts").

#include <string_view>

namespace settlebridge::store {

std::string_view resendsSchemaSql();

}  // namespace settlebridge::store
