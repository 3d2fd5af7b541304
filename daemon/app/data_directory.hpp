#pragma once
// The data directory holds the database and secrets.key, so only the service and administrators may open it
// (installer/README.md, docs/DAEMON.md):
//  - Unix: a data directory the program creates is mode 0700 (the .deb makes /var/lib/settlebridge 0700 itself);
//  - Windows: a protected DACL (nothing inherited from C:\ProgramData, which lets every local user read what its
//    folders hold): full control for SYSTEM (LocalSystem, the service's account), for Administrators, and for the
//    account that sets it when that is another one (an administrator's own account, or the user whose --data-dir it
//    is). Files and folders inside inherit it. In SDDL: D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)[(A;OICI;FA;;;<user SID>)].

#include <filesystem>
#include <stdexcept>
#include <system_error>

namespace settlebridge::app {

/// Creates `dir` (and its missing parents) with the protection above when it does not exist yet; an existing
/// directory is left as it is. Sets `error` on failure.
void createDataDirectory(const std::filesystem::path& dir, std::error_code& error);

/// Windows: puts the protected DACL on an existing `dir` and, through inheritance, on everything in it (the service
/// does this at every start, which also closes a directory that an older version created with the inherited
/// ACL). Unix: nothing to do (the directory keeps its mode). Sets `error` on failure.
void protectDataDirectory(const std::filesystem::path& dir, std::error_code& error);

/// The data directory is used by one daemon at a time: `serve` holds an exclusive lock on `settlebridge.lock` in it
/// for as long as it runs (flock on Unix, LockFileEx on Windows). The operating system releases it when the process
/// ends in any way, kill -9 and power loss included, so holding it proves no other process serves this directory:
/// the daemon may then end every Web Connector session a previous run left open. CLI commands do not take it.
/// Several daemons on one database (`--shared`, docs/SCALING.md) take the lock shared instead: they run together,
/// and a daemon that wants the directory to itself is refused while any of them runs (and the other way round).
class DataDirectoryLock {
public:
    /// Takes the lock (creating the lock file) and, when exclusive, writes this process's id into the file; throws
    /// DataDirectoryBusy when another process holds it in the other mode (or exclusively), std::system_error when
    /// the file cannot be opened.
    explicit DataDirectoryLock(const std::filesystem::path& dir, bool shared = false);
    ~DataDirectoryLock();
    DataDirectoryLock(const DataDirectoryLock&) = delete;
    DataDirectoryLock& operator=(const DataDirectoryLock&) = delete;

    const std::filesystem::path& path() const noexcept { return path_; }

private:
    std::filesystem::path path_;
#ifdef _WIN32
    void* handle_ = nullptr;
#else
    int fd_ = -1;
#endif
};

/// Another process (normally another `settlebridge serve`) holds the data directory's lock.
class DataDirectoryBusy : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace settlebridge::app
