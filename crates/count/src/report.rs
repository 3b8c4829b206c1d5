//! Rendering a transcript: the text result sheet and CSV (being written).
