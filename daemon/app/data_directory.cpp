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
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#endif

#include <string>

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

// ---------------------------------------------------------------------------------------------------------------
// The data directory lock

namespace {

std::string busyMessage(const fs::path& dir, const std::string& holder, bool shared) {
    std::string text = "the data folder " + dir.string() + " is in use by another Settlebridge daemon";
    if (!holder.empty()) text += " (process " + holder + ")";
    if (shared) {
        return text + " that has it to itself: stop it, or start every daemon on this folder with --shared";
    }
    return text + ": stop that one first, or give this one another --data-dir" +
           (holder.empty() ? " (daemons started with --shared may be using it; this one would need --shared too)"
                           : "");
}

std::string firstLine(const std::string& text) {
    std::string line = text.substr(0, text.find_first_of("\r\n"));
    if (line.size() > 40) line.resize(40);
    return line;
}

}  // namespace

#ifdef _WIN32

DataDirectoryLock::DataDirectoryLock(const fs::path& dir, bool shared) : path_(dir / "settlebridge.lock") {
    HANDLE file = CreateFileW(path_.c_str(), GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                              OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (file == INVALID_HANDLE_VALUE) throw std::system_error(lastError(), "cannot open " + path_.string());
    // One byte at 4 GiB, past anything the file holds: the process id at its start stays readable by others.
    OVERLAPPED region{};
    region.OffsetHigh = 1;
    const DWORD mode = shared ? 0 : LOCKFILE_EXCLUSIVE_LOCK;
    if (!LockFileEx(file, mode | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &region)) {
        const DWORD code = GetLastError();
        std::string holder;
        char buffer[64] = {};
        DWORD got = 0;
        if (ReadFile(file, buffer, sizeof buffer - 1, &got, nullptr)) holder = firstLine(std::string(buffer, got));
        CloseHandle(file);
        if (code == ERROR_LOCK_VIOLATION || code == ERROR_IO_PENDING) throw DataDirectoryBusy(busyMessage(dir, holder, shared));
        throw std::system_error(std::error_code(static_cast<int>(code), std::system_category()),
                                "cannot lock " + path_.string());
    }
    handle_ = file;
    SetFilePointer(file, 0, nullptr, FILE_BEGIN);
    SetEndOfFile(file);
    if (shared) return;  // several holders: the file names none of them (an earlier exclusive holder's id goes)
    const std::string pid = std::to_string(GetCurrentProcessId()) + "\n";
    DWORD written = 0;
    WriteFile(file, pid.data(), static_cast<DWORD>(pid.size()), &written, nullptr);
}

DataDirectoryLock::~DataDirectoryLock() {
    if (handle_ != nullptr) CloseHandle(static_cast<HANDLE>(handle_));  // closing releases the lock
}

#else

DataDirectoryLock::DataDirectoryLock(const fs::path& dir, bool shared) : path_(dir / "settlebridge.lock") {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "cannot open " + path_.string());
    if (::flock(fd_, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0) {
        const int code = errno;
        std::string holder;
        char buffer[64] = {};
        const ssize_t got = ::pread(fd_, buffer, sizeof buffer - 1, 0);
        if (got > 0) holder = firstLine(std::string(buffer, static_cast<std::size_t>(got)));
        ::close(fd_);
        fd_ = -1;
        if (code == EWOULDBLOCK) throw DataDirectoryBusy(busyMessage(dir, holder, shared));
        throw std::system_error(code, std::generic_category(), "cannot lock " + path_.string());
    }
    if (shared) {  // several holders: the file names none of them (an earlier exclusive holder's id goes)
        [[maybe_unused]] const int cleared = ::ftruncate(fd_, 0);
        return;
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) == 0) {
        [[maybe_unused]] const ssize_t written = ::pwrite(fd_, pid.data(), pid.size(), 0);
    }
}

DataDirectoryLock::~DataDirectoryLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

#endif

}  // namespace settlebridge::app
