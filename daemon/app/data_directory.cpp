#include "daemon/app/data_directory.hpp"

#ifdef _WIN32
#include <windows.h>
// After windows.h:
#include <aclapi.h>
#include <sddl.h>

#include <memory>
#include <string>
#include <vector>
#else
#include <sys/stat.h>

#include <cerrno>
#endif

namespace settlebridge::app {

namespace fs = std::filesystem;

namespace {

/// True when `dir` has to be made (its parents exist now); false when it exists already or on an error.
bool needsCreating(const fs::path& dir, std::error_code& error) {
    error.clear();
    if (dir.empty()) {
        error = std::make_error_code(std::errc::invalid_argument);
        return false;
    }
    if (fs::exists(dir, error) || error) return false;
    if (const fs::path parent = dir.parent_path(); !parent.empty()) {
        fs::create_directories(parent, error);
        if (error) return false;
    }
    return true;
}

#ifdef _WIN32

std::error_code lastError() { return {static_cast<int>(GetLastError()), std::system_category()}; }

/// The SID of the account this process runs as, in SDDL form; "" for LocalSystem (SY is in the ACL anyway) or when
/// the token cannot be read.
std::wstring currentAccountSid() {
    HANDLE token = nullptr;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) return {};
    std::wstring result;
    DWORD size = 0;
    GetTokenInformation(token, TokenUser, nullptr, 0, &size);
    std::vector<unsigned char> buffer(size);
    if (size > 0 && GetTokenInformation(token, TokenUser, buffer.data(), size, &size)) {
        PSID sid = reinterpret_cast<TOKEN_USER*>(buffer.data())->User.Sid;
        LPWSTR text = nullptr;
        if (!IsWellKnownSid(sid, WinLocalSystemSid) && ConvertSidToStringSidW(sid, &text)) {
            result = text;
            LocalFree(text);
        }
    }
    CloseHandle(token);
    return result;
}

/// P: protected (nothing inherited from the parent); OICI: files and folders inside inherit the entry; FA: full
/// access; SY: LocalSystem; BA: the Administrators group.
std::wstring aclSddl() {
    std::wstring sddl = L"D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)";
    if (const std::wstring sid = currentAccountSid(); !sid.empty()) sddl += L"(A;OICI;FA;;;" + sid + L")";
    return sddl;
}

struct LocalFreer {
    void operator()(void* memory) const { LocalFree(memory); }
};
using SecurityDescriptor = std::unique_ptr<void, LocalFreer>;

SecurityDescriptor securityDescriptor(std::error_code& error) {
    PSECURITY_DESCRIPTOR descriptor = nullptr;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(aclSddl().c_str(), SDDL_REVISION_1, &descriptor,
                                                              nullptr)) {
        error = lastError();
        return nullptr;
    }
    return SecurityDescriptor(descriptor);
}

#endif

}  // namespace

#ifdef _WIN32

void createDataDirectory(const fs::path& dir, std::error_code& error) {
    if (!needsCreating(dir, error)) return;
    const SecurityDescriptor descriptor = securityDescriptor(error);
    if (error) return;
    SECURITY_ATTRIBUTES attributes{};
    attributes.nLength = sizeof attributes;
    attributes.lpSecurityDescriptor = descriptor.get();
    attributes.bInheritHandle = FALSE;
    if (!CreateDirectoryW(dir.c_str(), &attributes) && GetLastError() != ERROR_ALREADY_EXISTS) error = lastError();
}

void protectDataDirectory(const fs::path& dir, std::error_code& error) {
    error.clear();
    const SecurityDescriptor descriptor = securityDescriptor(error);
    if (error) return;
    BOOL present = FALSE;
    BOOL defaulted = FALSE;
    PACL dacl = nullptr;
    if (!GetSecurityDescriptorDacl(descriptor.get(), &present, &dacl, &defaulted)) {
        error = lastError();
        return;
    }
    std::wstring name = dir.wstring();
    // SetNamedSecurityInfo also hands the inheritable entries down to what the folder holds.
    const DWORD rc = SetNamedSecurityInfoW(name.data(), SE_FILE_OBJECT,
                                           DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION, nullptr,
                                           nullptr, dacl, nullptr);
    if (rc != ERROR_SUCCESS) error = std::error_code(static_cast<int>(rc), std::system_category());
}

#else

void createDataDirectory(const fs::path& dir, std::error_code& error) {
    if (!needsCreating(dir, error)) return;
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) error = std::error_code(errno, std::generic_category());
}

void protectDataDirectory(const fs::path&, std::error_code& error) { error.clear(); }

#endif

}  // namespace settlebridge::app
