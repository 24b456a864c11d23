//! sketch: see the crate docs for how it connects to the rest.
