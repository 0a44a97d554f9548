fn main() {
    std::process::exit(gostart::cli::main());
}
