//! The `kluis` command.

mod cli;

/// Wipes every heap block before it is freed; see [`kluis::memory`].
#[global_allocator]
static ALLOCATOR: kluis::memory::WipeOnFree<std::alloc::System> =
    kluis::memory::WipeOnFree(std::alloc::System);

fn main() -> std::process::ExitCode {
    cli::main()
}
