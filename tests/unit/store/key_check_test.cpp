// The secrets key as several processes read it (the key file or $SETTLEBRIDGE_SECRETS_KEY) and the key check value
// that refuses a process whose key is not the database's (docs/SCALING.md "Several daemons").
#include "daemon/store/key_check.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include "daemon/store/amazon_connections.hpp"
#include "daemon/store/secrets.hpp"
#include "daemon/store/store.hpp"
#include "tests/unit/store/temp_dir.hpp"

namespace settlebridge::store {
namespace {

using settlebridge::testing::TempDir;

constexpr Timestamp kNow = 1'700'000'000;
const std::string kHexKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

/// Sets $SETTLEBRIDGE_SECRETS_KEY for one scope (unset before and after).
struct KeyVariable {
    explicit KeyVariable(const std::string& value) { ::setenv(SecretBox::kKeyVariable, value.c_str(), 1); }
    ~KeyVariable() { ::unsetenv(SecretBox::kKeyVariable); }
    KeyVariable(const KeyVariable&) = delete;
    KeyVariable& operator=(const KeyVariable&) = delete;
};

std::string readFile(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::string text;
    std::getline(in, text);
    return text;
}

TEST(SecretsKeySource, TheKeyFileWhenTheVariableIsNotSet) {
    ::unsetenv(SecretBox::kKeyVariable);
    TempDir dir;
    std::string source;
    const SecretBox box = SecretBox::openForDataDir(dir.path(), &source);
    EXPECT_EQ(source, "the key file " + dir.file("secrets.key").string());
    ASSERT_TRUE(std::filesystem::exists(dir.file("secrets.key")));
    EXPECT_EQ(SecretBox::loadKeyFile(dir.file("secrets.key")).keyCheck(), box.keyCheck());
}

TEST(SecretsKeySource, TheVariableWinsOverTheKeyFileAndOpensWhatTheSameKeyFileSealed) {
    TempDir dir;
    {
        std::ofstream out(dir.file("secrets.key"));
        out << kHexKey << "\n";
    }
    std::filesystem::permissions(dir.file("secrets.key"), std::filesystem::perms::owner_read |
                                                              std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace);
    const std::string blob = SecretBox::loadKeyFile(dir.file("secrets.key")).seal("refresh-token", "row:1");

    TempDir other;  // no key file here: the variable alone gives the key, and no file is made
    KeyVariable variable(kHexKey);
    std::string source;
    const SecretBox box = SecretBox::openForDataDir(other.path(), &source);
    EXPECT_EQ(source, "$SETTLEBRIDGE_SECRETS_KEY");
    EXPECT_EQ(box.open(blob, "row:1"), "refresh-token");
    EXPECT_FALSE(std::filesystem::exists(other.file("secrets.key")));
    EXPECT_EQ(readFile(dir.file("secrets.key")), kHexKey);  // untouched
}

TEST(SecretsKeySource, ABadVariableIsRefusedNamingIt) {
    TempDir dir;
    for (const std::string& bad : {std::string("abc"), kHexKey + "00", std::string(64, 'g'), std::string()}) {
        KeyVariable variable(bad);
        try {
            (void)SecretBox::openForDataDir(dir.path());
            ADD_FAILURE() << "accepted \"" << bad << "\"";
        } catch (const SecretError& e) {
            EXPECT_EQ(e.kind(), SecretError::Kind::KeyFile);
            EXPECT_NE(std::string(e.what()).find("$SETTLEBRIDGE_SECRETS_KEY is set but is not a key"), std::string::npos)
                << e.what();
        }
    }
    EXPECT_FALSE(std::filesystem::exists(dir.file("secrets.key")));
}

TEST(KeyCheck, SameKeySameValueAnotherKeyAnotherAndTheKeyIsNotInIt) {
    const SecretBox a = SecretBox::fromKey(std::string(32, 'a'));
    EXPECT_EQ(a.keyCheck(), SecretBox::fromKey(std::string(32, 'a')).keyCheck());
    EXPECT_NE(a.keyCheck(), SecretBox::fromKey(std::string(32, 'b')).keyCheck());
    EXPECT_EQ(a.keyCheck().size(), 32U);
    EXPECT_EQ(a.keyCheck().find("61616161"), std::string::npos);  // not the key's own bytes
    EXPECT_NE(a.keyCheck().substr(0, 8), a.keyId());             // nor the key id blobs carry
}

TEST(KeyCheck, TheFirstProcessStoresItTheSameKeyPassesAnotherIsRefusedAndNothingChanges) {
    TempDir dir;
    Store store(dir.file("settlebridge.db"));
    const SecretBox first = SecretBox::fromKey(std::string(32, 'k'));
    EXPECT_TRUE(store.write([&](Tx& tx) { return checkSecretsKey(tx.database(), first, "the key file A", kNow); }));
    EXPECT_FALSE(store.write([&](Tx& tx) { return checkSecretsKey(tx.database(), first, "the key file A", kNow + 5); }));

    const SecretBox other = SecretBox::fromKey(std::string(32, 'x'));
    try {
        store.write([&](Tx& tx) { return checkSecretsKey(tx.database(), other, "$SETTLEBRIDGE_SECRETS_KEY", kNow); });
        ADD_FAILURE() << "another key was accepted";
    } catch (const SecretError& e) {
        EXPECT_EQ(e.kind(), SecretError::Kind::WrongKey);
        const std::string text = e.what();
        EXPECT_NE(text.find("the secrets key from $SETTLEBRIDGE_SECRETS_KEY is not the key of this database"),
                  std::string::npos) << text;
        EXPECT_NE(text.find(first.keyCheck()), std::string::npos) << text;
    }
    const std::optional<std::string> stored =
        store.read([](Tx& tx) { return AppSettings(tx.database()).get(kKeyCheckSetting); });
    EXPECT_EQ(stored, first.keyCheck());
}

}  // namespace
}  // namespace settlebridge::store
