#include "daemon/store/secrets.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <system_error>

#ifndef _WIN32
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#include "daemon/store/crypto.hpp"

namespace settlebridge::store {

namespace {

using Kind = SecretError::Kind;

struct CipherCtxDeleter {
    void operator()(EVP_CIPHER_CTX* ctx) const noexcept { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

CipherCtx newContext() {
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    if (!ctx) throw SecretError(Kind::Crypto, "cannot create a cipher context");
    return ctx;
}

const unsigned char* bytes(std::string_view s) noexcept { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* bytes(std::string& s) noexcept { return reinterpret_cast<unsigned char*>(s.data()); }

int intSize(std::size_t n) {
    if (n > static_cast<std::size_t>(1) << 30) throw SecretError(Kind::Crypto, "a secret larger than 1 GiB");
    return static_cast<int>(n);
}

std::string hexKey(std::string_view key) { return toHex(key) + "\n"; }

int hexValue(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string parseKeyFile(const std::string& text, const std::filesystem::path& file) {
    std::string_view hex(text);
    while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r' || hex.back() == ' ')) hex.remove_suffix(1);
    if (hex.size() != SecretBox::kKeyBytes * 2) {
        throw SecretError(Kind::KeyFile, "the key file " + file.string() + " is damaged: it should hold " +
                                             std::to_string(SecretBox::kKeyBytes * 2) + " hex digits");
    }
    std::string key(SecretBox::kKeyBytes, '\0');
    for (std::size_t i = 0; i < key.size(); ++i) {
        const int hi = hexValue(hex[2 * i]);
        const int lo = hexValue(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            throw SecretError(Kind::KeyFile, "the key file " + file.string() + " is damaged: it holds a character "
                                                                                 "that is not a hex digit");
        }
        key[i] = static_cast<char>((hi << 4) | lo);
    }
    return key;
}

#ifndef _WIN32

std::string errnoText(int error) { return std::system_category().message(error); }

/// Writes the whole buffer to `fd`, then fsyncs. Returns 0 or an errno value.
int writeAll(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return ::fsync(fd) == 0 ? 0 : errno;
}

std::string readKeyFilePosix(const std::filesystem::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        const int error = errno;
        throw SecretError(Kind::KeyFile, "cannot read the key file " + file.string() + ": " + errnoText(error));
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int error = errno;
        ::close(fd);
        throw SecretError(Kind::KeyFile, "cannot read the key file " + file.string() + ": " + errnoText(error));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw SecretError(Kind::KeyFile, "the key file " + file.string() + " is not a regular file");
    }
    if ((st.st_mode & 077) != 0) {
        ::close(fd);
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        throw SecretError(Kind::KeyFile, "the key file " + file.string() + " can be read by other users (mode " +
                                             mode + "); allow only its owner: chmod 600 " + file.string());
    }
    std::string text;
    char buffer[256];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) continue;
            const int error = errno;
            ::close(fd);
            throw SecretError(Kind::KeyFile, "cannot read the key file " + file.string() + ": " + errnoText(error));
        }
        if (n == 0) break;
        text.append(buffer, static_cast<std::size_t>(n));
        if (text.size() > 4096) break;
    }
    ::close(fd);
    return text;
}

/// Creates the key file atomically: a private temporary file, fully written and synced, hard-linked to the
/// final name (link() fails if the name exists, so a concurrent creator's key wins and is read back).
/// Returns false when another process created the file first.
bool createKeyFilePosix(const std::filesystem::path& file, std::string_view content) {
    const std::filesystem::path temp =
        file.parent_path() / (file.filename().string() + ".tmp-" + toHex(randomBytes(8)));
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        const int error = errno;
        throw SecretError(Kind::KeyFile, "cannot create the key file " + file.string() + ": " + errnoText(error));
    }
    int error = ::fchmod(fd, 0600) == 0 ? 0 : errno;  // exactly 0600 whatever the umask
    if (error == 0) error = writeAll(fd, content);
    ::close(fd);
    if (error == 0 && ::link(temp.c_str(), file.c_str()) != 0) error = errno;
    ::unlink(temp.c_str());
    if (error == EEXIST) return false;
    if (error != 0) {
        throw SecretError(Kind::KeyFile, "cannot create the key file " + file.string() + ": " + errnoText(error));
    }
    const std::filesystem::path dir = file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
    const int dirFd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirFd >= 0) {
        ::fsync(dirFd);  // make the new name durable; best effort
        ::close(dirFd);
    }
    return true;
}

#else  // _WIN32

std::string readKeyFileWindows(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw SecretError(Kind::KeyFile, "cannot read the key file " + file.string());
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool createKeyFileWindows(const std::filesystem::path& file, std::string_view content) {
    std::error_code ec;
    if (std::filesystem::exists(file, ec)) return false;
    {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        if (!out) throw SecretError(Kind::KeyFile, "cannot create the key file " + file.string());
    }
    std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace, ec);
    return true;
}

#endif

std::string readKeyFile(const std::filesystem::path& file) {
#ifndef _WIN32
    return readKeyFilePosix(file);
#else
    return readKeyFileWindows(file);
#endif
}

}  // namespace

SecretBox::SecretBox(std::string key) : key_(std::move(key)), keyId_(sha256(key_).substr(0, kKeyIdBytes)) {}

SecretBox SecretBox::fromKey(std::string_view key) {
    if (key.size() != kKeyBytes) {
        throw SecretError(Kind::KeyFile, "an AES-256 key must be " + std::to_string(kKeyBytes) + " bytes, not " +
                                             std::to_string(key.size()));
    }
    return SecretBox(std::string(key));
}

SecretBox SecretBox::loadKeyFile(const std::filesystem::path& keyFile) {
    return SecretBox(parseKeyFile(readKeyFile(keyFile), keyFile));
}

SecretBox SecretBox::openKeyFile(const std::filesystem::path& keyFile) {
    std::error_code ec;
    const auto status = std::filesystem::symlink_status(keyFile, ec);
    if (!ec && std::filesystem::exists(status)) return loadKeyFile(keyFile);
    const std::string key = randomBytes(kKeyBytes);
#ifndef _WIN32
    const bool created = createKeyFilePosix(keyFile, hexKey(key));
#else
    const bool created = createKeyFileWindows(keyFile, hexKey(key));
#endif
    if (!created) return loadKeyFile(keyFile);  // another process made it first: use its key
    return SecretBox(key);
}

std::string SecretBox::seal(std::string_view plaintext, std::string_view associatedData) const {
    const std::string nonce = randomBytes(kNonceBytes);
    std::string out;
    out.reserve(kOverhead + plaintext.size());
    out.append(kMagic);
    out.append(keyId_);
    out.append(nonce);
    const std::string header = out;
    out.resize(header.size() + plaintext.size() + kTagBytes);

    CipherCtx ctx = newContext();
    int n = 0;
    if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceBytes), nullptr) != 1 ||
        EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, bytes(key_), bytes(nonce)) != 1 ||
        EVP_EncryptUpdate(ctx.get(), nullptr, &n, bytes(header), intSize(header.size())) != 1 ||
        (!associatedData.empty() &&
         EVP_EncryptUpdate(ctx.get(), nullptr, &n, bytes(associatedData), intSize(associatedData.size())) != 1)) {
        throw SecretError(Kind::Crypto, "AES-256-GCM encryption could not start");
    }
    unsigned char* cipher = bytes(out) + header.size();
    int written = 0;
    if (!plaintext.empty() &&
        EVP_EncryptUpdate(ctx.get(), cipher, &written, bytes(plaintext), intSize(plaintext.size())) != 1) {
        throw SecretError(Kind::Crypto, "AES-256-GCM encryption failed");
    }
    int final = 0;
    if (EVP_EncryptFinal_ex(ctx.get(), cipher + written, &final) != 1 ||
        static_cast<std::size_t>(written + final) != plaintext.size() ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                            cipher + plaintext.size()) != 1) {
        throw SecretError(Kind::Crypto, "AES-256-GCM encryption failed");
    }
    return out;
}

std::string SecretBox::open(std::string_view sealed, std::string_view associatedData) const {
    if (sealed.size() < kOverhead || sealed.substr(0, kMagic.size()) != kMagic) {
        throw SecretError(Kind::Tampered, "the stored secret is damaged (not a Settlebridge sealed secret)");
    }
    const std::string_view storedId = sealed.substr(kMagic.size(), kKeyIdBytes);
    if (!constantTimeEqual(storedId, keyId_)) {
        throw SecretError(Kind::WrongKey,
                          "the stored secret was encrypted with another key file (key " + toHex(storedId) +
                              ", this one is " + keyId() +
                              "); restore the data directory's original key file or enter the secret again");
    }
    const std::size_t headerSize = kMagic.size() + kKeyIdBytes + kNonceBytes;
    const std::string_view header = sealed.substr(0, headerSize);
    const std::string_view nonce = sealed.substr(kMagic.size() + kKeyIdBytes, kNonceBytes);
    const std::string_view cipher = sealed.substr(headerSize, sealed.size() - headerSize - kTagBytes);
    std::string tag(sealed.substr(sealed.size() - kTagBytes));

    CipherCtx ctx = newContext();
    int n = 0;
    if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceBytes), nullptr) != 1 ||
        EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, bytes(key_), bytes(nonce)) != 1 ||
        EVP_DecryptUpdate(ctx.get(), nullptr, &n, bytes(header), intSize(header.size())) != 1 ||
        (!associatedData.empty() &&
         EVP_DecryptUpdate(ctx.get(), nullptr, &n, bytes(associatedData), intSize(associatedData.size())) != 1)) {
        throw SecretError(Kind::Crypto, "AES-256-GCM decryption could not start");
    }
    std::string plain(cipher.size(), '\0');
    int written = 0;
    if (!cipher.empty() &&
        EVP_DecryptUpdate(ctx.get(), bytes(plain), &written, bytes(cipher), intSize(cipher.size())) != 1) {
        throw SecretError(Kind::Tampered, "the stored secret is damaged or was tampered with");
    }
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes), bytes(tag)) != 1) {
        throw SecretError(Kind::Crypto, "AES-256-GCM decryption failed");
    }
    int final = 0;
    if (EVP_DecryptFinal_ex(ctx.get(), bytes(plain) + written, &final) != 1) {
        OPENSSL_cleanse(plain.data(), plain.size());
        throw SecretError(Kind::Tampered, "the stored secret is damaged or was tampered with (authentication failed)");
    }
    plain.resize(static_cast<std::size_t>(written + final));
    return plain;
}

std::string SecretBox::deriveKey(std::string_view label) const {
    return hmacSha256(key_, "settlebridge:" + std::string(label));
}

std::string SecretBox::keyId() const { return toHex(keyId_); }

std::string SecretBox::keyCheck() const { return toHex(deriveKey("secrets key check").substr(0, 16)); }

SecretBox SecretBox::openForDataDir(const std::filesystem::path& dataDir, std::string* source) {
    if (const char* value = std::getenv(kKeyVariable); value != nullptr) {
        if (source != nullptr) *source = std::string("$") + kKeyVariable;
        std::string_view hex(value);
        while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r' || hex.back() == ' ')) hex.remove_suffix(1);
        const std::string where = std::string("$") + kKeyVariable;
        if (hex.size() != kKeyBytes * 2) {
            throw SecretError(Kind::KeyFile, where + " is set but is not a key: it must hold " +
                                                 std::to_string(kKeyBytes * 2) + " hex digits (as secrets.key does), "
                                                 "not " + std::to_string(hex.size()) + " characters");
        }
        std::string key(kKeyBytes, '\0');
        for (std::size_t i = 0; i < key.size(); ++i) {
            const int hi = hexValue(hex[2 * i]);
            const int lo = hexValue(hex[2 * i + 1]);
            if (hi < 0 || lo < 0) {
                throw SecretError(Kind::KeyFile, where + " is set but is not a key: it holds a character that is not a "
                                                         "hex digit");
            }
            key[i] = static_cast<char>((hi << 4) | lo);
        }
        return SecretBox(std::move(key));
    }
    const std::filesystem::path file = dataDir / "secrets.key";
    if (source != nullptr) *source = "the key file " + file.string();
    return openKeyFile(file);
}

}  // namespace settlebridge::store
