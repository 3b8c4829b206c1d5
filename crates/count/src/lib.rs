//! STV counting (being written).
