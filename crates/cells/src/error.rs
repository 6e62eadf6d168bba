//! Errors of the cells crate; each names its input.

/// Why cells could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CellsError {
    /// A resolution outside the supported range.
    #[error("H3 resolution {given} is not supported (use 8 to 11; 10 is the default)")]
    Resolution {
        /// The resolution asked for.
        given: u8,
    },
    /// A geometry h3o cannot index.
    #[error("{feature}: cannot index geometry in H3: {reason}")]
    Geometry {
        /// The feature (OSM id such as `w123`).
        feature: String,
        /// h3o's reason.
        reason: String,
    },
    /// The extract was read with another taxonomy than the one given.
    #[error(
        "{extract}: its place kinds differ from the taxonomy given; read the extract with the same taxonomy"
    )]
    Taxonomy {
        /// The extract's file name.
        extract: String,
    },
    /// A profile weights a place kind the cell table does not know.
    #[error("profile `{profile}`: place kind `{kind}` is not in the cell table's taxonomy")]
    UnknownPlaceKind {
        /// The profile id.
        profile: String,
        /// The kind.
        kind: String,
    },
    /// Scores that do not belong to the cell table given.
    #[error("{scores} scores do not match the {cells} cells of the table (score the same table)")]
    Mismatch {
        /// Cells in the table.
        cells: usize,
        /// Scores given.
        scores: usize,
    },
    /// A grid-district resolution not coarser than the cells'.
    #[error(
        "grid districts at H3 resolution {grid} must be coarser than the cells' resolution {cells}"
    )]
    GridResolution {
        /// The grid resolution asked for.
        grid: u8,
        /// The cells' resolution.
        cells: u8,
    },
    /// A display resolution that is not coarser than the cells'.
    #[error(
        "display resolution {display} must be coarser (smaller) than the cells' resolution {cells}"
    )]
    DisplayResolution {
        /// The display resolution asked for.
        display: u8,
        /// The cells' resolution.
        cells: u8,
    },
    /// A profile weights an imported indicator layer that is not loaded.
    #[error(
        "{file}:{line}: `{key}`: no imported indicator layer of that name is loaded (loaded: {loaded}; built-in indicators: dwelling_density, residential_land, street_access)"
    )]
    UnknownLayer {
        /// The profile file.
        file: String,
        /// Line of the key (0 when unknown).
        line: usize,
        /// The key (`indicators.unemployment_rate`).
        key: String,
        /// The loaded layers' names, comma-separated, or `none`.
        loaded: String,
    },
    /// An indicator layer at another resolution than the cells.
    #[error(
        "indicator layer `{layer}` is at H3 resolution {layer_resolution}, the cells at {cells}: import it again at the cells' resolution"
    )]
    LayerResolution {
        /// The layer.
        layer: String,
        /// Its resolution.
        layer_resolution: u8,
        /// The cells' resolution.
        cells: u8,
    },
}
