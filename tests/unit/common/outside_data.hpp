#pragma once
// Reference material that may not be redistributed stays outside the repository (docs/TESTING.md): the real Amazon
// settlement reports (folder $SETTLEBRIDGE_FIXTURES_DIR, default ../shared/fixtures beside the checkout when it
// exists) and the API descriptions and captured traffic whose licence does not allow it ($SETTLEBRIDGE_SPEC_DIR,
// default ../shared/spec). Tests on them are optional: they skip, saying what is missing and how to give it:
//
//   const auto dir = testing::fixturesDir();
//   if (!dir) GTEST_SKIP() << testing::missingFixtures();
//
// Project-made files (tests/data/..., third_party/...) are always there: projectData("qbwc/envelopes").

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

#include "tests/support/test_paths.hpp"

namespace settlebridge::testing {

/// $VARIABLE when set (it must then be a folder: a wrong path is an error, not a skip), else
/// <checkout>/../shared/<fallback> when that folder exists, else nothing.
inline std::optional<std::filesystem::path> outsideDir(const char* variable, const char* fallback) {
    if (const char* env = std::getenv(variable); env != nullptr && *env != '\0') {
        const std::filesystem::path dir(env);
        if (!std::filesystem::is_directory(dir)) {
            throw std::runtime_error(std::string("$") + variable + " is " + env + ", which is not a folder");
        }
        return dir;
    }
    const std::filesystem::path dir = std::filesystem::path(SETTLEBRIDGE_SOURCE_DIR) / ".." / "shared" / fallback;
    if (std::filesystem::is_directory(dir)) return std::filesystem::weakly_canonical(dir);
    return std::nullopt;
}

/// The real settlement reports and other unlicensed fixtures (settlements/, ads/, sellercloud/).
inline std::optional<std::filesystem::path> fixturesDir() { return outsideDir("SETTLEBRIDGE_FIXTURES_DIR", "fixtures"); }

/// Outside API descriptions and captured traffic (amazon-ads/, walmart-connect/, sellercloud/, qbwc/envelopes/).
inline std::optional<std::filesystem::path> specDir() { return outsideDir("SETTLEBRIDGE_SPEC_DIR", "spec"); }

inline std::string missingFixtures(const std::string& what = "the real settlement reports") {
    return "optional check skipped: " + what +
           " may not be redistributed and are not here; set SETTLEBRIDGE_FIXTURES_DIR to a folder holding them "
           "(default ../shared/fixtures beside the checkout)";
}

inline std::string missingSpec(const std::string& what) {
    return "optional check skipped: " + what +
           " may not be redistributed and is not here; set SETTLEBRIDGE_SPEC_DIR to a folder holding it "
           "(default ../shared/spec beside the checkout)";
}

/// A file or folder of the repository's own test data (tests/data/...).
inline std::filesystem::path projectData(const std::string& relative) {
    return std::filesystem::path(SETTLEBRIDGE_SOURCE_DIR) / "tests" / "data" / relative;
}

}  // namespace settlebridge::testing
