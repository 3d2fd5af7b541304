// SecretBox: AES-256-GCM secrets at rest with a 0600 key file.

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "daemon/store/secrets.hpp"
#include "tests/unit/store/temp_dir.hpp"

namespace fs = std::filesystem;
using settlebridge::store::SecretBox;
using settlebridge::store::SecretError;
using settlebridge::testing::TempDir;

namespace {

unsigned fileMode(const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0);
    return static_cast<unsigned>(st.st_mode & 07777);
}

SecretError::Kind openKind(const SecretBox& box, const std::string& blob, const std::string& ad = {}) {
    try {
        box.open(blob, ad);
    } catch (const SecretError& e) {
        return e.kind();
    }
    ADD_FAILURE() << "open() accepted a blob it should refuse";
    return SecretError::Kind::Crypto;
}

}  // namespace

TEST(SecretBox, RoundTripsSecretsOfEverySize) {
    TempDir dir;
    const SecretBox box = SecretBox::openKeyFile(dir.file("secrets.key"));
    for (const std::string& secret : {std::string(), std::string("Atzr|IwEBIA-refresh-token"), std::string(5000, 'x'),
                                     std::string("\0\x01\xff binary", 10)}) {
        const std::string blob = box.seal(secret, "amazon:1:refresh_token");
        EXPECT_EQ(blob.size(), secret.size() + SecretBox::kOverhead);
        if (secret.size() > 8) {
            EXPECT_EQ(blob.find(secret), std::string::npos) << "plaintext visible in the blob";
        }
        EXPECT_EQ(box.open(blob, "amazon:1:refresh_token"), secret);
    }
}

TEST(SecretBox, SealingTwiceGivesDifferentBlobs) {
    const SecretBox box = SecretBox::fromKey(std::string(32, 'k'));
    const std::string a = box.seal("same secret");
    const std::string b = box.seal("same secret");
    EXPECT_NE(a, b);  // a fresh nonce each time
    EXPECT_EQ(box.open(a), box.open(b));
}

TEST(SecretBox, KeyFileIsCreatedWithMode0600AndReused) {
    TempDir dir;
    const fs::path keyFile = dir.file("secrets.key");
    const std::string blob = SecretBox::openKeyFile(keyFile).seal("client-secret");
    ASSERT_TRUE(fs::exists(keyFile));
    EXPECT_EQ(fileMode(keyFile), 0600u);
    std::ifstream in(keyFile);
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line.size(), 64u);
    EXPECT_EQ(line.find_first_not_of("0123456789abcdef"), std::string::npos);

    // A second open (a restart) reads the same key: the old blob still opens.
    const SecretBox again = SecretBox::openKeyFile(keyFile);
    EXPECT_EQ(again.open(blob), "client-secret");
    // Nothing else was left in the directory (no temporary files).
    EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

TEST(SecretBox, KeyFileIsPrivateEvenWithAPermissiveUmask) {
    TempDir dir;
    const mode_t old = ::umask(0);
    SecretBox::openKeyFile(dir.file("secrets.key"));
    ::umask(old);
    EXPECT_EQ(fileMode(dir.file("secrets.key")), 0600u);
}

TEST(SecretBox, ConcurrentCreatorsAgreeOnOneKey) {
    TempDir dir;
    const fs::path keyFile = dir.file("secrets.key");
    std::vector<std::string> ids(8);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        threads.emplace_back([&, i] { ids[i] = SecretBox::openKeyFile(keyFile).keyId(); });
    }
    for (auto& t : threads) t.join();
    for (const auto& id : ids) EXPECT_EQ(id, ids.front());
    EXPECT_EQ(SecretBox::loadKeyFile(keyFile).keyId(), ids.front());
}

TEST(SecretBox, RefusesAKeyFileOtherUsersCanRead) {
    TempDir dir;
    const fs::path keyFile = dir.file("secrets.key");
    SecretBox::openKeyFile(keyFile);
    fs::permissions(keyFile, fs::perms::group_read | fs::perms::others_read, fs::perm_options::add);
    try {
        SecretBox::openKeyFile(keyFile);
        FAIL() << "a world-readable key file was accepted";
    } catch (const SecretError& e) {
        EXPECT_EQ(e.kind(), SecretError::Kind::KeyFile);
        EXPECT_NE(std::string(e.what()).find("chmod 600"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("0644"), std::string::npos) << e.what();
    }
}

TEST(SecretBox, RefusesADamagedKeyFile) {
    TempDir dir;
    const fs::path keyFile = dir.file("secrets.key");
    {
        std::ofstream out(keyFile);
        out << "not a key\n";
    }
    fs::permissions(keyFile, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
    try {
        SecretBox::openKeyFile(keyFile);
        FAIL() << "a damaged key file was accepted";
    } catch (const SecretError& e) {
        EXPECT_EQ(e.kind(), SecretError::Kind::KeyFile);
        EXPECT_NE(std::string(e.what()).find("damaged"), std::string::npos) << e.what();
    }
    EXPECT_THROW(SecretBox::loadKeyFile(dir.file("missing.key")), SecretError);
    EXPECT_FALSE(fs::exists(dir.file("missing.key")));  // load never creates
}

TEST(SecretBox, DetectsEveryTamperedByte) {
    const SecretBox box = SecretBox::fromKey(std::string(32, '\x42'));
    const std::string blob = box.seal("Atzr|secret-refresh-token", "row:7");
    for (std::size_t i = 0; i < blob.size(); ++i) {
        std::string bad = blob;
        bad[i] = static_cast<char>(bad[i] ^ 0x01);
        const auto kind = openKind(box, bad, "row:7");
        if (i >= 4 && i < 4 + SecretBox::kKeyIdBytes) {
            EXPECT_EQ(kind, SecretError::Kind::WrongKey) << "byte " << i;  // the key id itself was changed
        } else {
            EXPECT_EQ(kind, SecretError::Kind::Tampered) << "byte " << i;
        }
    }
    EXPECT_EQ(openKind(box, blob.substr(0, blob.size() - 1), "row:7"), SecretError::Kind::Tampered);
    EXPECT_EQ(openKind(box, blob.substr(0, 10), "row:7"), SecretError::Kind::Tampered);
    EXPECT_EQ(openKind(box, "", "row:7"), SecretError::Kind::Tampered);
    EXPECT_EQ(openKind(box, blob + "x", "row:7"), SecretError::Kind::Tampered);
    // The same blob under other associated data (copied to another row) does not open.
    EXPECT_EQ(openKind(box, blob, "row:8"), SecretError::Kind::Tampered);
    EXPECT_EQ(openKind(box, blob), SecretError::Kind::Tampered);
    EXPECT_EQ(box.open(blob, "row:7"), "Atzr|secret-refresh-token");
}

TEST(SecretBox, WrongKeyIsToldApartFromTampering) {
    TempDir one;
    TempDir two;
    const SecretBox a = SecretBox::openKeyFile(one.file("secrets.key"));
    const SecretBox b = SecretBox::openKeyFile(two.file("secrets.key"));
    ASSERT_NE(a.keyId(), b.keyId());
    const std::string blob = a.seal("password");
    try {
        b.open(blob);
        FAIL() << "opened with the wrong key";
    } catch (const SecretError& e) {
        EXPECT_EQ(e.kind(), SecretError::Kind::WrongKey);
        EXPECT_NE(std::string(e.what()).find("another key file"), std::string::npos) << e.what();
    }
    // Even a forged key id does not help the wrong key: authentication fails.
    std::string forged = blob;
    const SecretBox zero = SecretBox::fromKey(std::string(32, '\0'));
    const std::string zeroBlob = zero.seal("x");
    forged.replace(4, SecretBox::kKeyIdBytes, zeroBlob.substr(4, SecretBox::kKeyIdBytes));
    EXPECT_EQ(openKind(zero, forged), SecretError::Kind::Tampered);
}

TEST(SecretBox, RejectsKeysOfTheWrongLength) {
    EXPECT_THROW(SecretBox::fromKey("short"), SecretError);
    EXPECT_THROW(SecretBox::fromKey(std::string(33, 'k')), SecretError);
}

TEST(SecretBox, DerivedKeysAreStableAndSeparate) {
    const SecretBox box = SecretBox::fromKey(std::string(32, 'k'));
    EXPECT_EQ(box.deriveKey("consent-state").size(), 32u);
    EXPECT_EQ(box.deriveKey("consent-state"), box.deriveKey("consent-state"));
    EXPECT_NE(box.deriveKey("consent-state"), box.deriveKey("other"));
    EXPECT_NE(box.deriveKey("consent-state"), SecretBox::fromKey(std::string(32, 'j')).deriveKey("consent-state"));
}
