//! Representation constraints (placeholder: being written).
