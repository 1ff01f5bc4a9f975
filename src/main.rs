fn main() -> std::io::Result<()> {
    jwt_workbench::workbench::run(jwt_workbench::app::LaunchOptions::default())
}
