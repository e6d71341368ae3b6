//! Loading the project file and opening its store, the same way for every command.

use crate::Global;
use rampart_config::Project;
use rampart_store::Store;

/// Loads and validates the `--project` file; errors list every problem with file:line:column.
pub fn load(global: &Global) -> anyhow::Result<Project> {
    rampart_config::load_file(&global.project).map_err(|e| anyhow::anyhow!("{e}"))
}

/// The database URL: `--database` / `RAMPART_DATABASE` win over the project file, which wins over
/// the default (`rampart.db` next to the project file).
pub fn database_url(global: &Global, project: &Project) -> String {
    global
        .database
        .clone()
        .unwrap_or_else(|| project.database_url())
}

pub async fn open_store(global: &Global, project: &Project) -> anyhow::Result<Store> {
    Ok(Store::open(&database_url(global, project)).await?)
}
