#include "daemon/app/windows_trust.hpp"

#ifdef _WIN32

#include <windows.h>
// After windows.h; before OpenSSL, whose headers #undef the names wincrypt.h also defines (X509_NAME...).
#include <wincrypt.h>

// The store-loader API (OSSL_STORE_LOADER_new...) is marked deprecated in OpenSSL 3.0 in favour of providers; it is
// the small way to add a URI scheme and it is compiled into the cross-built OpenSSL (no no-deprecated).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/store.h>
#include <openssl/x509.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

// OpenSSL declares OSSL_STORE_LOADER_CTX as this struct and leaves it to each loader to define.
struct ossl_store_loader_ctx_st {
    std::vector<X509*> certificates;  // owned until handed out
    std::size_t next = 0;
    X509_NAME* subject = nullptr;  // OSSL_STORE_find by name: only certificates with this subject
};

namespace settlebridge::app {

namespace {

constexpr const char* kScheme = "settlebridge-winroot";

/// Whether the store entry may vouch for a TLS server. Windows can restrict a root to some purposes with a property
/// on its store entry: no property = every purpose; an empty list = none.
bool trustedForServerAuthentication(PCCERT_CONTEXT certificate) {
    DWORD size = 0;
    if (!CertGetEnhancedKeyUsage(certificate, CERT_FIND_PROP_ONLY_ENHKEY_USAGE_FLAG, nullptr, &size)) {
        return GetLastError() == static_cast<DWORD>(CRYPT_E_NOT_FOUND);
    }
    std::vector<unsigned char> buffer(size);
    auto* usage = reinterpret_cast<CERT_ENHKEY_USAGE*>(buffer.data());
    SetLastError(0);
    if (!CertGetEnhancedKeyUsage(certificate, CERT_FIND_PROP_ONLY_ENHKEY_USAGE_FLAG, usage, &size)) {
        return GetLastError() == static_cast<DWORD>(CRYPT_E_NOT_FOUND);
    }
    if (usage->cUsageIdentifier == 0) return GetLastError() == static_cast<DWORD>(CRYPT_E_NOT_FOUND);
    for (DWORD i = 0; i < usage->cUsageIdentifier; ++i) {
        if (std::strcmp(usage->rgpszUsageIdentifier[i], szOID_PKIX_KP_SERVER_AUTH) == 0) return true;
    }
    return false;
}

void freeContext(OSSL_STORE_LOADER_CTX* context) {
    for (X509* certificate : context->certificates) X509_free(certificate);
    X509_NAME_free(context->subject);
    delete context;
}

/// Opens settlebridge-winroot://ROOT: a snapshot of the ROOT store as this process sees it (for LocalSystem the
/// machine's roots; for a user also their own), so roots Windows adds later are found by the next lookup.
OSSL_STORE_LOADER_CTX* openRoots(const OSSL_STORE_LOADER*, const char* uri, const UI_METHOD*, void*) {
    if (uri == nullptr || std::strcmp(uri, kWindowsRootStoreUri) != 0) return nullptr;
    HCERTSTORE store = CertOpenSystemStoreW(0, L"ROOT");
    if (store == nullptr) return nullptr;
    auto* context = new OSSL_STORE_LOADER_CTX;
    PCCERT_CONTEXT entry = nullptr;
    while ((entry = CertEnumCertificatesInStore(store, entry)) != nullptr) {
        if (entry->dwCertEncodingType != X509_ASN_ENCODING || !trustedForServerAuthentication(entry)) continue;
        const unsigned char* der = entry->pbCertEncoded;
        if (X509* certificate = d2i_X509(nullptr, &der, static_cast<long>(entry->cbCertEncoded))) {
            context->certificates.push_back(certificate);
        }
    }
    CertCloseStore(store, 0);
    return context;
}

/// OpenSSL asks for the issuer it needs by subject name: hand out only those (anything else: everything).
int findRoots(OSSL_STORE_LOADER_CTX* context, const OSSL_STORE_SEARCH* search) {
    if (search != nullptr && OSSL_STORE_SEARCH_get_type(search) == OSSL_STORE_SEARCH_BY_NAME) {
        X509_NAME_free(context->subject);
        context->subject = X509_NAME_dup(OSSL_STORE_SEARCH_get0_name(search));
    }
    return 1;
}

OSSL_STORE_INFO* loadRoot(OSSL_STORE_LOADER_CTX* context, const UI_METHOD*, void*) {
    while (context->next < context->certificates.size()) {
        X509* certificate = context->certificates[context->next];
        context->certificates[context->next++] = nullptr;
        if (context->subject != nullptr && X509_NAME_cmp(X509_get_subject_name(certificate), context->subject) != 0) {
            X509_free(certificate);
            continue;
        }
        if (OSSL_STORE_INFO* info = OSSL_STORE_INFO_new_CERT(certificate)) return info;  // takes the certificate
        X509_free(certificate);
    }
    return nullptr;
}

int rootsAtEnd(OSSL_STORE_LOADER_CTX* context) { return context->next >= context->certificates.size() ? 1 : 0; }

int rootsFailed(OSSL_STORE_LOADER_CTX*) { return 0; }

int closeRoots(OSSL_STORE_LOADER_CTX* context) {
    freeContext(context);
    return 1;
}

bool registerRootLoader() {
    OSSL_STORE_LOADER* loader = OSSL_STORE_LOADER_new(nullptr, kScheme);
    if (loader == nullptr) return false;
    if (OSSL_STORE_LOADER_set_open(loader, openRoots) != 1 || OSSL_STORE_LOADER_set_find(loader, findRoots) != 1 ||
        OSSL_STORE_LOADER_set_load(loader, loadRoot) != 1 || OSSL_STORE_LOADER_set_eof(loader, rootsAtEnd) != 1 ||
        OSSL_STORE_LOADER_set_error(loader, rootsFailed) != 1 || OSSL_STORE_LOADER_set_close(loader, closeRoots) != 1 ||
        OSSL_STORE_register_loader(loader) != 1) {
        OSSL_STORE_LOADER_free(loader);
        return false;
    }
    return true;  // OpenSSL owns the loader now
}

bool isSet(const wchar_t* name) {
    const wchar_t* value = _wgetenv(name);
    return value != nullptr && *value != L'\0';
}

void set(const wchar_t* name, const std::wstring& value) { _wputenv_s(name, value.c_str()); }

}  // namespace

void setUpWindowsTrust(const std::filesystem::path& exeDir) {
    const std::filesystem::path ssl = exeDir / "ssl";
    // Set even when the files are missing (the .exe outside its install folder): then nothing is read from the
    // folder compiled into OpenSSL either.
    if (!isSet(L"OPENSSL_CONF")) set(L"OPENSSL_CONF", (ssl / "openssl.cnf").wstring());
    if (!isSet(L"SSL_CERT_FILE")) set(L"SSL_CERT_FILE", (ssl / "cert.pem").wstring());
    if (!isSet(L"SSL_CERT_DIR")) {
        if (registerRootLoader()) {
            const std::string uri = kWindowsRootStoreUri;
            set(L"SSL_CERT_DIR", std::wstring(uri.begin(), uri.end()));
        } else {
            set(L"SSL_CERT_DIR", (ssl / "certs").wstring());
        }
    }
}

}  // namespace settlebridge::app

#endif
