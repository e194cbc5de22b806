//! The `kg` binary: everything it does is in [`cli`], over the `kg` library.

mod cli;

// Loading and extraction allocate tens of millions of small strings; mimalloc does that
// faster than the system allocator and, with fewer fresh pages per megabyte, touches less
// memory (benches/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
