//! The `kluis` command.

mod cli;

/// Wipes every heap block before it is freed; see [`kluis::memory`].
#[global_allocator]
static ALLOCATOR: kluis::memory::WipeOnFree<std::alloc::System> =
    kluis::memory::WipeOnFree(std::alloc::System);

fn main() -> std::process::ExitCode {
    private_by_default();
    cli::main()
}

/// Makes every file and folder this process creates private to its user,
/// including those a library creates with default permissions, such as the
/// files of a backup to a folder. kluis's own files are 0600 and 0700
/// regardless.
fn private_by_default() {
    #[cfg(unix)]
    // SAFETY: umask only changes the process's file creation mask; it runs
    // before any thread is started.
    unsafe {
        libc::umask(0o077);
    }
}
